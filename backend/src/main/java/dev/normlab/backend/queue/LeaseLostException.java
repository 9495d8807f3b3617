package dev.normlab.backend.queue;

/** A worker call from an attempt that no longer holds the run's lease: 409, nothing changes. */
public class LeaseLostException extends RuntimeException {

    public LeaseLostException(long runId, int attempt) {
        super("attempt " + attempt + " of run " + runId + " no longer holds the lease");
    }
}
