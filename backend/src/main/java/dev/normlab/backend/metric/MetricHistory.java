package dev.normlab.backend.metric;

import java.util.List;

/**
 * Answer of the history and compare queries.
 *
 * @param from start of the x range (requested, else the first x of the data); null when there is no data
 * @param buckets the x grid of every sampled series (null when there is no data)
 */
public record MetricHistory(String x, Double from, Double to, int maxPoints, BucketGrid buckets, List<MetricSeries> series) {
}
