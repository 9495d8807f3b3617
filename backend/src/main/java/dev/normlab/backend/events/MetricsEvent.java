package dev.normlab.backend.events;

import dev.normlab.backend.metric.RunPoint;
import java.util.List;

/** Data of a {@code metrics} event: points just ingested (a client keeps one point per key and step). */
public record MetricsEvent(long runId, List<RunPoint> points) {
}
