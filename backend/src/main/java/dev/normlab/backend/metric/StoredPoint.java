package dev.normlab.backend.metric;

/** One stored point of one series; tokens and seconds may be null (the worker did not send them). */
record StoredPoint(long step, Long tokens, Double seconds, double value) {
}
