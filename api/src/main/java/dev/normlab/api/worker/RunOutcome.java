package dev.normlab.api.worker;

/** How a worker ends an attempt. */
public enum RunOutcome {
    SUCCEEDED,
    FAILED,
    /** Only after the heartbeat answered cancelRequested. */
    CANCELLED
}
