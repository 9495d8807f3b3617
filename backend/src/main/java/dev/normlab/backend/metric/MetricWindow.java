package dev.normlab.backend.metric;

/**
 * What part of a history to return and how densely.
 *
 * @param from inclusive lower x bound, null = from the first point
 * @param to inclusive upper x bound, null = to the last point
 * @param maxPoints at most this many entries per series (raw points or first point + buckets)
 */
public record MetricWindow(XAxis x, Double from, Double to, int maxPoints) {
}
