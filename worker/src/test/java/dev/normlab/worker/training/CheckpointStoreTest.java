package dev.normlab.worker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

    @TempDir
    Path root;

    @Test
    void keepsTheNewestCompleteCheckpoints() throws IOException {
        CheckpointStore store = new CheckpointStore(root, 2);
        for (long step : new long[] {5, 10, 100, 1000}) {
            Path dir = store.write(step, d -> Files.writeString(d.resolve("state.json"), "{\"step\":" + step + "}"));
            assertThat(dir.resolve("state.json")).hasContent("{\"step\":" + step + "}");
        }
        assertThat(store.list()).extracting(p -> p.getFileName().toString()).containsExactly("step-000100", "step-001000");
        assertThat(store.latest()).contains(root.resolve("step-001000"));
        try (Stream<Path> all = Files.list(root)) {
            assertThat(all).hasSize(2); // no temporary left behind
        }
    }

    @Test
    void thePinnedCheckpointOutlivesNewerOnesUntilANewerOneIsPinned() throws IOException {
        CheckpointStore store = new CheckpointStore(root, 2);
        store.pin(store.write(20, d -> Files.writeString(d.resolve("a"), "20"))); // reported to the backend
        for (long step : new long[] {40, 60, 80}) {                                  // reports did not get through
            store.write(step, d -> Files.writeString(d.resolve("a"), "x"));
        }
        assertThat(store.list()).extracting(p -> p.getFileName().toString())
                .containsExactly("step-000020", "step-000060", "step-000080");
        store.pin(root.resolve("step-000080"));                                      // the next report got through
        store.write(100, d -> Files.writeString(d.resolve("a"), "x"));
        assertThat(store.list()).extracting(p -> p.getFileName().toString()).containsExactly("step-000080", "step-000100");
    }

    @Test
    void aFailedWriteLeavesNoCheckpointUnderTheStepName() throws IOException {
        CheckpointStore store = new CheckpointStore(root, 2);
        store.write(1, d -> Files.writeString(d.resolve("a"), "ok"));
        assertThatThrownBy(() -> store.write(2, d -> {
            Files.writeString(d.resolve("a"), "half");
            throw new IOException("disk full");
        })).isInstanceOf(UncheckedIOException.class).hasMessageContaining("step-000002");
        assertThat(store.list()).containsExactly(root.resolve("step-000001"));
        assertThat(root.resolve("step-000002")).doesNotExist();
    }
}
