package dev.normlab.backend.queue;

/**
 * Published inside the claim transaction. {@code resumeStep} is the checkpoint step the new attempt resumes
 * from (null = from scratch): metric points of earlier attempts after it are dropped, so the curve keeps
 * exactly one point per step.
 */
public record RunClaimed(long runId, int attempt, Long resumeStep) {
}
