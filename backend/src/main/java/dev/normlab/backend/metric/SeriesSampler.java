package dev.normlab.backend.metric;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * One series over a grid: the raw points when the range holds at most maxPoints of them, else min/max/last
 * buckets built from precomputed blocks (a 1M-point series reads a few thousand block rows, not 1M points).
 */
@Component
class SeriesSampler {

    private final MetricRepository repository;

    SeriesSampler(MetricRepository repository) {
        this.repository = repository;
    }

    /** The points of {@code series} with x in [from, to]; buckets from {@code grid} when there are too many. */
    MetricSeries sample(MetricRepository.SeriesRef series, XAxis x, double from, double to, BucketGrid grid, int maxPoints) {
        Optional<long[]> steps = stepRange(series.id(), x, from, to);
        if (steps.isEmpty()) {
            return MetricSeries.empty(series.runId(), series.key());
        }
        long lo = steps.get()[0];
        long hi = steps.get()[1];
        // counting in the database (≤ maxPoints + 1 index entries) decides raw vs buckets without moving rows
        if (repository.countPoints(series.id(), x, lo, hi, maxPoints + 1L) <= maxPoints) {
            List<SeriesPoint> raw = repository.points(series.id(), x, lo, hi, maxPoints).stream()
                    .map(p -> SeriesPoint.raw(x.of(p), p.step(), p.value())).toList();
            return new MetricSeries(series.runId(), series.key(), false, raw.size(), raw);
        }
        // bucket width in steps: exact on the step axis; on tokens/seconds estimated from the series' own steps
        double stepsPerBucket = x == XAxis.STEP ? grid.width() : (hi - lo + 1.0) / grid.count();
        int level = BlockLevels.levelFor(stepsPerBucket);
        List<SeriesPoint> buckets = repository.buckets(series.id(), x, level, lo, hi, grid);
        StoredPoint first = repository.points(series.id(), x, lo, hi, 1).get(0);
        List<SeriesPoint> points = new ArrayList<>(buckets.size() + 1);
        points.add(SeriesPoint.raw(x.of(first), first.step(), first.value()));
        points.addAll(buckets);
        return new MetricSeries(series.runId(), series.key(), true, buckets.stream().mapToLong(SeriesPoint::count).sum(), points);
    }

    /** Steps [lo, hi] of the points with x in [from, to] (x is non-decreasing in step). */
    private Optional<long[]> stepRange(long seriesId, XAxis x, double from, double to) {
        if (x == XAxis.STEP) {
            long lo = (long) Math.max(0, Math.ceil(from));
            long hi = (long) Math.min(Long.MAX_VALUE / 2, Math.floor(to));
            return lo <= hi ? Optional.of(new long[] {lo, hi}) : Optional.empty();
        }
        Optional<Long> lo = repository.firstStepFrom(seriesId, x, from);
        Optional<Long> hi = repository.lastStepUpTo(seriesId, x, to);
        if (lo.isEmpty() || hi.isEmpty() || lo.get() > hi.get()) {
            return Optional.empty();
        }
        return Optional.of(new long[] {lo.get(), hi.get()});
    }
}
