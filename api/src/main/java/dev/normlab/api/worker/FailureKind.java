package dev.normlab.api.worker;

/** Why an attempt failed; decides whether the backend retries it. */
public enum FailureKind {
    /** An exception in the training code: retried within the code-failure budget. */
    CODE,
    /** Out of memory: the same spec on the same kind of worker fails again, never retried. */
    OOM,
    /** The worker cannot execute the spec (e.g. a missing tokenizer file): never retried. */
    INVALID_SPEC,
    /**
     * The worker's own resources failed, not the run (its disk is full): requeued like a lost lease, within the
     * infrastructure budget and with its back-off, so another worker (or this one, freed) takes it.
     */
    WORKER
}
