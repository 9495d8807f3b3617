package dev.normlab.backend.queue;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Returns runs whose worker stopped heartbeating to the queue (or fails them past the budget). */
@Component
class LeaseReaper {

    private final QueueService queue;

    LeaseReaper(QueueService queue) {
        this.queue = queue;
    }

    @Scheduled(fixedDelayString = "${normlab.queue.reaper-interval:5s}", initialDelayString = "${normlab.queue.reaper-interval:5s}")
    void reap() {
        queue.reapExpiredLeases();
    }
}
