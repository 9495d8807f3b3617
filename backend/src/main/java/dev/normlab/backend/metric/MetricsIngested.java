package dev.normlab.backend.metric;

/** Published inside the ingest transaction: points with step in [fromStep, toStep] of the run were written. */
public record MetricsIngested(long runId, long fromStep, long toStep, int points) {
}
