package dev.normlab.worker.agent;

/** How the agent ended an attempt towards the backend. */
public enum AttemptEnding {
    SUCCEEDED,
    FAILED,
    CANCELLED,
    /** Handed back to the queue on shutdown, without spending a retry. */
    RELEASED,
    /** Another attempt owns the run now: nothing was reported. */
    LEASE_LOST
}
