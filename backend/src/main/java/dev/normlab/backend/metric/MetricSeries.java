package dev.normlab.backend.metric;

import java.util.List;

/**
 * One key of one run over the requested x range.
 *
 * @param sampled false: {@code points} are all raw points in the range; true: the first raw point of the range,
 *     then one entry per non-empty bucket (the last entry ends on the range's last point)
 * @param pointsInRange raw points of the series in the range
 */
public record MetricSeries(long runId, String key, boolean sampled, long pointsInRange, List<SeriesPoint> points) {

    static MetricSeries empty(long runId, String key) {
        return new MetricSeries(runId, key, false, 0, List.of());
    }
}
