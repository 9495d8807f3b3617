package dev.normlab.worker.cli;

import dev.normlab.api.worker.MetricPoint;
import dev.normlab.worker.training.MetricSink;
import java.util.List;

/** Sends every point to each of several sinks. */
final class TeeMetricSink implements MetricSink {

    private final List<MetricSink> sinks;

    TeeMetricSink(MetricSink... sinks) {
        this.sinks = List.of(sinks);
    }

    @Override
    public void record(MetricPoint point) {
        sinks.forEach(s -> s.record(point));
    }

    @Override
    public void flush() {
        sinks.forEach(MetricSink::flush);
    }

    @Override
    public void close() {
        sinks.forEach(MetricSink::close);
    }
}
