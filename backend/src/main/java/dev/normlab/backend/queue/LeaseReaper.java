package dev.normlab.backend.queue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Returns runs whose worker stopped heartbeating to the queue (or fails them past the budget). Its first pass after
 * a start renews the running runs' leases instead ({@link QueueService#renewLeasesAfterStart()}): a lease that ran
 * out while this backend was down says nothing about the worker.
 */
@Component
class LeaseReaper {

    private final QueueService queue;
    private final AtomicBoolean firstPass = new AtomicBoolean(true);

    LeaseReaper(QueueService queue) {
        this.queue = queue;
    }

    @Scheduled(fixedDelayString = "${normlab.queue.reaper-interval:5s}", initialDelayString = "${normlab.queue.reaper-interval:5s}")
    void reap() {
        if (firstPass.getAndSet(false)) {
            queue.renewLeasesAfterStart();
        }
        queue.reapExpiredLeases();
    }
}
