package dev.normlab.backend.run;

/**
 * Published (Spring application event, inside the transaction that changed the row) on every run state
 * transition, so live views (SSE) can follow it.
 */
public record RunStateChanged(long runId, RunStatus status, int attempt) {
}
