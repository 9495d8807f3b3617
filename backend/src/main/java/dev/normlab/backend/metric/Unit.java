package dev.normlab.backend.metric;

/**
 * A block or a single point as the bucketing sees it: placed at the x of its last point.
 *
 * @param step step of its last point; {@code value} is that point's value
 */
record Unit(double x, long step, double value, double min, double max, long count) {
}
