package dev.normlab.worker.training;

import dev.normlab.api.worker.MetricPoint;

/** Builds metric points for the sink and drops non-finite values, which no sink or backend can store. */
final class FiniteMetrics {

    private final MetricSink sink;

    FiniteMetrics(MetricSink sink) {
        this.sink = sink;
    }

    void record(String key, long step, long tokens, double seconds, double value) {
        if (Double.isFinite(value)) {
            sink.record(new MetricPoint(key, step, tokens, Math.max(0, seconds), value));
        }
    }

    void flush() {
        sink.flush();
    }
}
