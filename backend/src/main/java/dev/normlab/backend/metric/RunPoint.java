package dev.normlab.backend.metric;

/** A stored point with its key, as live views send it. */
public record RunPoint(String key, long step, Long tokens, Double seconds, double value) {
}
