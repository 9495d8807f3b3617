package dev.normlab.backend.metric;

import dev.normlab.api.worker.MetricBatch;
import dev.normlab.api.worker.MetricPoint;
import dev.normlab.backend.queue.LeaseFence;
import dev.normlab.backend.team.Caller;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Stores a worker's metric batch in one transaction: fence, points (one multi-row upsert), blocks, notify.
 * A stale attempt changes nothing: the fence throws before the first write.
 */
@Service
public class MetricIngestService {

    private final LeaseFence fence;
    private final MetricRepository repository;
    private final MetricBlocks blocks;
    private final ApplicationEventPublisher events;

    MetricIngestService(LeaseFence fence, MetricRepository repository, MetricBlocks blocks, ApplicationEventPublisher events) {
        this.fence = fence;
        this.repository = repository;
        this.blocks = blocks;
        this.events = events;
    }

    private record PointKey(String key, long step) {
    }

    /** @return the number of distinct (key, step) points in the batch */
    @Transactional
    public int ingest(Caller worker, long runId, MetricBatch batch) {
        fence.requireLease(worker, runId, batch.attempt());
        return store(runId, batch.points());
    }

    /**
     * Points of a tracked run (MLflow API), whose caller already checked access and the points (MLflow's key rules,
     * finite values): no lease to fence. Same store, blocks and live events as a worker's batch.
     *
     * @return the number of distinct (key, step) points
     */
    @Transactional
    public int ingestTracked(long runId, List<MetricPoint> points) {
        return store(runId, points);
    }

    private int store(long runId, List<MetricPoint> points) {
        if (points.isEmpty()) {
            return 0;
        }
        repository.lockRun(runId);
        // one statement may not touch a row twice (ON CONFLICT): within a batch the last point of a step wins
        Map<PointKey, MetricPoint> unique = new LinkedHashMap<>();
        for (MetricPoint p : points) {
            unique.put(new PointKey(p.key(), p.step()), p);
        }
        Map<String, Long> seriesIds = repository.seriesIds(runId,
                unique.keySet().stream().map(PointKey::key).distinct().toArray(String[]::new));
        int n = unique.size();
        long[] series = new long[n];
        long[] steps = new long[n];
        Long[] tokens = new Long[n];
        Double[] seconds = new Double[n];
        double[] values = new double[n];
        long fromStep = Long.MAX_VALUE;
        long toStep = Long.MIN_VALUE;
        int i = 0;
        for (MetricPoint p : unique.values()) {
            series[i] = seriesIds.get(p.key());
            steps[i] = p.step();
            tokens[i] = p.tokens();
            seconds[i] = p.seconds();
            values[i] = p.value();
            fromStep = Math.min(fromStep, p.step());
            toStep = Math.max(toStep, p.step());
            i++;
        }
        repository.upsertPoints(series, steps, tokens, seconds, values);
        blocks.refresh(series, steps, tokens, seconds, values);
        events.publishEvent(new MetricsIngested(runId, fromStep, toStep, n));
        return n;
    }
}
