package dev.normlab.api.worker;

import dev.normlab.api.spec.RunSpec;

/**
 * A claimed run: what the worker trains. {@code (runId, attempt)} is the fencing token every later call
 * of this worker carries; a call from an attempt that lost its lease is rejected (409).
 *
 * @param resumeFrom the checkpoint to resume from, or null to start from scratch
 * @param leaseSeconds the lease lasts this long after each heartbeat
 */
public record Assignment(long runId, int attempt, RunSpec spec, Checkpoint resumeFrom, int leaseSeconds) {
}
