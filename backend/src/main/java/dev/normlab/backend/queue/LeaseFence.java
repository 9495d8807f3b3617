package dev.normlab.backend.queue;

import dev.normlab.backend.team.Caller;

/** The (run, attempt, worker token) fencing check on every worker call after the claim. */
public interface LeaseFence {

    /**
     * @throws dev.normlab.backend.run.RunNotFoundException (404) when the worker token may not touch the run's team
     * @throws LeaseLostException (409) unless {@code attempt} is the run's current attempt, it is RUNNING, and the
     *     worker token is the one that claimed it
     */
    void requireLease(Caller worker, long runId, int attempt);
}
