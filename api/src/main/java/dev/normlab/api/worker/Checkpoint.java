package dev.normlab.api.worker;

/** Where a run's latest checkpoint lives, so a re-claimed run resumes instead of starting over. */
public record Checkpoint(long step, String location) {
}
