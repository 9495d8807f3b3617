package dev.normlab.backend.metric;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Equal-width x buckets over [from, to]; bucket i is [from + i·width, from + (i+1)·width), the last one closed.
 * A compare query uses one grid for every run, so bucket i of each run covers the same x.
 */
public record BucketGrid(double from, double to, int count) {

    /**
     * A grid on the step axis whose bucket edges fall on block edges (width a multiple of the block size the
     * query will read, start rounded down to it), so every block lies in exactly one bucket and the buckets
     * are exact. At most {@code maxBuckets} buckets; the last one may be wider.
     */
    static BucketGrid onSteps(double from, double to, int maxBuckets) {
        double nominal = (to - from + 1) / maxBuckets;
        long size = BlockLevels.size(BlockLevels.levelFor(nominal));
        long width = (long) Math.ceil(nominal / size) * size;
        long aligned = BlockLevels.size(BlockLevels.levelFor(width));
        long start = Math.floorDiv((long) Math.floor(from), aligned) * aligned;
        long count = Math.min(maxBuckets, Math.floorDiv((long) Math.floor(to) - start, width) + 1);
        return new BucketGrid(start, start + count * width, (int) Math.max(1, count));
    }

    @JsonProperty
    public double width() {
        return (to - from) / count;
    }

    int indexOf(double x) {
        double width = width();
        if (!(width > 0)) {
            return 0;
        }
        long i = (long) Math.floor((x - from) / width);
        return (int) Math.max(0, Math.min(count - 1, i));
    }
}
