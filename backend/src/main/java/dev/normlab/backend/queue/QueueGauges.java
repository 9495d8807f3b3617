package dev.normlab.backend.queue;

import dev.normlab.backend.run.RunStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Prometheus gauges {@code normlab_runs{status=…}} and {@code normlab_queue_depth}. One GROUP BY serves every
 * gauge of a scrape (cached for a second).
 */
@Component
class QueueGauges implements MeterBinder {

    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final QueueRepository queue;
    private volatile Map<RunStatus, Long> counts = Map.of();
    private volatile long countedAt = System.nanoTime() - CACHE_NANOS;

    QueueGauges(QueueRepository queue) {
        this.queue = queue;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (RunStatus status : RunStatus.values()) {
            Gauge.builder("normlab.runs", this, g -> g.count(status)).tag("status", status.name())
                    .description("runs by state").register(registry);
        }
        Gauge.builder("normlab.queue.depth", this, g -> g.count(RunStatus.QUEUED))
                .description("runs waiting for a worker").register(registry);
    }

    private double count(RunStatus status) {
        if (System.nanoTime() - countedAt >= CACHE_NANOS) {
            counts = queue.countByStatus().stream()
                    .collect(Collectors.toMap(QueueRepository.StatusCount::status, QueueRepository.StatusCount::count));
            countedAt = System.nanoTime();
        }
        return counts.getOrDefault(status, 0L);
    }
}
