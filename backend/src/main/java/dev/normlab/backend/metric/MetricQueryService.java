package dev.normlab.backend.metric;

import dev.normlab.backend.run.RunAccess;
import dev.normlab.backend.team.Caller;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Metric histories of one run (several keys) or one key of several runs, on one shared bucket grid. */
@Service
public class MetricQueryService {

    private final RunAccess access;
    private final MetricRepository repository;
    private final SeriesSampler sampler;

    MetricQueryService(RunAccess access, MetricRepository repository, SeriesSampler sampler) {
        this.access = access;
        this.repository = repository;
        this.sampler = sampler;
    }

    /** @param keys empty = every key of the run */
    @Transactional(readOnly = true)
    public MetricHistory history(Caller caller, long runId, List<String> keys, MetricWindow window) {
        access.requireVisible(caller, runId);
        List<MetricRepository.SeriesRef> found = repository.series(runId, keys);
        List<MetricRepository.SeriesRef> series = new ArrayList<>();
        for (String key : keys.isEmpty() ? found.stream().map(MetricRepository.SeriesRef::key).toList() : keys) {
            series.add(found.stream().filter(s -> s.key().equals(key)).findFirst()
                    .orElse(new MetricRepository.SeriesRef(-1, runId, key)));
        }
        return sample(series, window);
    }

    /** One key of several runs on the same grid, for overlays; a run the caller cannot see is 404. */
    @Transactional(readOnly = true)
    public MetricHistory compare(Caller caller, List<Long> runIds, String key, MetricWindow window) {
        runIds.forEach(id -> access.requireVisible(caller, id));
        List<MetricRepository.SeriesRef> series = new ArrayList<>();
        for (long runId : runIds) {
            series.add(repository.series(runId, List.of(key)).stream().findFirst()
                    .orElse(new MetricRepository.SeriesRef(-1, runId, key)));
        }
        return sample(series, window);
    }

    /**
     * Points of any key of the run with step in [fromStep, toStep], for live views that already checked access
     * (the SSE stream re-reads an ingested batch after its NOTIFY).
     */
    @Transactional(readOnly = true)
    public List<RunPoint> livePoints(long runId, long fromStep, long toStep, int limit) {
        return repository.runPoints(runId, fromStep, toStep, limit);
    }

    private MetricHistory sample(List<MetricRepository.SeriesRef> series, MetricWindow window) {
        XAxis x = window.x();
        Double from = window.from();
        Double to = window.to();
        if (from == null || to == null) {
            // the data's own extent, over every series, so all of them share one grid
            Optional<MetricRepository.XRange> extent = series.stream().filter(s -> s.id() >= 0)
                    .map(s -> repository.xRange(s.id(), x)).flatMap(Optional::stream)
                    .reduce((a, b) -> new MetricRepository.XRange(Math.min(a.from(), b.from()), Math.max(a.to(), b.to())));
            if (extent.isEmpty()) {
                return new MetricHistory(x.id(), from, to, window.maxPoints(), null,
                        series.stream().map(s -> MetricSeries.empty(s.runId(), s.key())).toList());
            }
            from = from != null ? from : extent.get().from();
            to = to != null ? to : extent.get().to();
        }
        // one entry is the range's first raw point, the rest are buckets
        BucketGrid grid = x == XAxis.STEP ? BucketGrid.onSteps(from, to, window.maxPoints() - 1)
                : new BucketGrid(from, to, window.maxPoints() - 1);
        List<MetricSeries> out = new ArrayList<>();
        for (MetricRepository.SeriesRef s : series) {
            out.add(s.id() < 0 || from > to ? MetricSeries.empty(s.runId(), s.key()) : sampler.sample(s, x, from, to, grid, window.maxPoints()));
        }
        return new MetricHistory(x.id(), from, to, window.maxPoints(), grid, out);
    }
}
