package dev.normlab.backend.metric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Folds units (blocks or points) into a grid's buckets keeping min, max, count and the last point. */
final class BucketAccumulator {

    private final BucketGrid grid;
    private final long[] count;
    private final double[] min;
    private final double[] max;
    private final long[] lastStep;
    private final double[] lastX;
    private final double[] lastValue;

    BucketAccumulator(BucketGrid grid) {
        this.grid = grid;
        int n = grid.count();
        count = new long[n];
        min = new double[n];
        max = new double[n];
        lastStep = new long[n];
        lastX = new double[n];
        lastValue = new double[n];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        Arrays.fill(lastStep, Long.MIN_VALUE);
    }

    void add(Unit u) {
        int b = grid.indexOf(u.x());
        count[b] += u.count();
        min[b] = Math.min(min[b], u.min());
        max[b] = Math.max(max[b], u.max());
        if (u.step() > lastStep[b]) {
            lastStep[b] = u.step();
            lastX[b] = u.x();
            lastValue[b] = u.value();
        }
    }

    long total() {
        return Arrays.stream(count).sum();
    }

    /** The non-empty buckets in x order. */
    List<SeriesPoint> buckets() {
        List<SeriesPoint> out = new ArrayList<>();
        for (int b = 0; b < count.length; b++) {
            if (count[b] > 0) {
                out.add(new SeriesPoint(lastX[b], lastStep[b], lastValue[b], min[b], max[b], count[b], b));
            }
        }
        return out;
    }
}
