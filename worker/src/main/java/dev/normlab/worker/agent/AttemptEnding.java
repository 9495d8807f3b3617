package dev.normlab.worker.agent;

/** How the agent ended an attempt towards the backend. */
public enum AttemptEnding {
    SUCCEEDED,
    FAILED,
    CANCELLED,
    /** Handed back to the queue on shutdown, without spending a retry. */
    RELEASED,
    /** Another attempt owns the run now: nothing was reported. */
    LEASE_LOST,
    /**
     * Reported FAILED because this worker's own resources failed (its disk is full): the run is requeued for
     * another worker, and this agent stops taking runs, since every next one would fail the same way here.
     */
    WORKER_FAILED
}
