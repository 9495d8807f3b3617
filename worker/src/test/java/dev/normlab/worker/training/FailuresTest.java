package dev.normlab.worker.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.EngineException;
import dev.normlab.api.worker.FailureKind;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void javaAndEngineOutOfMemoryAreOom() {
        assertThat(Failures.classify(new OutOfMemoryError("Java heap space")).kind()).isEqualTo(FailureKind.OOM);
        // PyTorch's messages, as DJL wraps them
        assertThat(Failures.classify(new EngineException("[enforce fail at alloc_cpu.cpp:119] data. DefaultCPUAllocator:"
                + " can't allocate memory: you tried to allocate 68719476736 bytes.")).kind()).isEqualTo(FailureKind.OOM);
        assertThat(Failures.classify(new IllegalStateException("step failed",
                new EngineException("CUDA out of memory. Tried to allocate 2.00 GiB"))).kind()).isEqualTo(FailureKind.OOM);
    }

    @Test
    void otherErrorsAreCodeFailuresAndOwnFailuresPassThrough() {
        TrainingFailedException e = Failures.classify(new UncheckedIOException(new java.io.IOException("disk full")));
        assertThat(e.kind()).isEqualTo(FailureKind.CODE);
        assertThat(e.getMessage()).contains("disk full");
        // a message of its own must not hide why: the root cause is named too
        TrainingFailedException full = Failures.classify(new UncheckedIOException("writing checkpoint /w/step-000020 failed",
                new java.nio.file.FileSystemException("/w/.tmp-step-000020/model.params", null, "No space left on device")));
        // the worker's disk, not the run: the backend requeues it within the infrastructure budget
        assertThat(full.kind()).isEqualTo(FailureKind.WORKER);
        assertThat(full.getMessage()).contains("writing checkpoint /w/step-000020 failed")
                .contains("No space left on device");
        TrainingFailedException own = new TrainingFailedException(FailureKind.INVALID_SPEC, "tokenizer: unknown");
        assertThat(Failures.classify(own)).isSameAs(own);
    }
}
