package dev.normlab.worker.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.api.spec.RunSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libtorch's grad mode is per thread and on by default: a run trained on a thread that never closed a gradient
 * collector must still train (a node agent may train each run on another thread than the one that loaded the
 * engine). Two runs in one JVM, each on a new thread, for every optimizer.
 */
class FreshThreadTrainingTest {

    @TempDir
    Path root;

    @Test
    void runsTrainOnNewThreadsAfterTheEngineWasLoadedOnAnother() throws Exception {
        Path corpus = TinyRuns.writeCorpus(root);
        // load the engine and train once here, on the test's thread
        new LlamaRunTrainer(TinyRuns.settings(root.resolve("cache"))).train(
                TinyRuns.tinySpec(corpus, "{\"name\": \"adamw\", \"lr\": 0.01}", "\"steps\": 2"),
                new TrainingOptions(root.resolve("warm"), null, new TinyRuns.RecordingSink(), null, null));
        for (String optimizer : List.of("sinkgd", "swan", "adamw", "sgd")) {
            ExecutorService thread = Executors.newSingleThreadExecutor();
            try {
                RunSpec spec = TinyRuns.tinySpec(corpus, "{\"name\": \"" + optimizer + "\", \"lr\": 0.01}", "\"steps\": 3");
                TrainingResult result = CompletableFuture.supplyAsync(() -> new LlamaRunTrainer(TinyRuns.settings(root.resolve("cache")))
                        .train(spec, new TrainingOptions(root.resolve(optimizer), null, new TinyRuns.RecordingSink(), null, null)),
                        thread).get(5, TimeUnit.MINUTES);
                assertThat(result.summary().steps()).as(optimizer).isEqualTo(3);
            } finally {
                thread.shutdownNow();
            }
        }
    }
}
