package dev.normlab.backend.queue;

/** The (run, attempt) fencing token on every worker call after the claim. */
public interface LeaseFence {

    /**
     * @throws LeaseLostException (409) unless {@code attempt} is the run's current attempt and it is RUNNING
     */
    void requireLease(long runId, int attempt);
}
