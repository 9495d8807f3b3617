package dev.normlab.backend.metric;

/**
 * A raw point ({@code bucket} null, min = max = value, count 1) or a bucket of a downsampled series: x, step and
 * value of the bucket's last point, min and max over all its points (spikes survive), and how many it holds.
 */
public record SeriesPoint(double x, long step, double value, double min, double max, long count, Integer bucket) {

    static SeriesPoint raw(double x, long step, double value) {
        return new SeriesPoint(x, step, value, value, value, 1, null);
    }
}
