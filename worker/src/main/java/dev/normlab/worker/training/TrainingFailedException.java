package dev.normlab.worker.training;

import dev.normlab.api.worker.FailureKind;

/**
 * A run that cannot go on: a non-finite loss (naming the step), a spec the worker cannot execute (naming the
 * field), or out of memory. {@link #kind()} tells the backend whether to retry.
 */
public class TrainingFailedException extends RuntimeException {

    private final FailureKind kind;

    public TrainingFailedException(FailureKind kind, String message) {
        this(kind, message, null);
    }

    public TrainingFailedException(FailureKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public FailureKind kind() {
        return kind;
    }
}
