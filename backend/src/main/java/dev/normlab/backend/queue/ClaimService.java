package dev.normlab.backend.queue;

import dev.normlab.api.worker.Assignment;
import dev.normlab.api.worker.ClaimRequest;
import java.time.Duration;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Long-poll claim: try at once; if nothing fits, sleep until a NOTIFY says a run was queued (or a short
 * recheck interval passes, for backoffs that expire without a notification), up to the wait the worker asked for.
 */
@Service
public class ClaimService {

    /** Backoff expiry sends no notification: recheck this often while waiting. */
    static final Duration RECHECK = Duration.ofSeconds(2);

    private final QueueService queue;
    private final QueueWakeup wakeup;
    private final QueueProperties properties;

    ClaimService(QueueService queue, QueueWakeup wakeup, QueueProperties properties) {
        this.queue = queue;
        this.wakeup = wakeup;
        this.properties = properties;
    }

    public Optional<Assignment> claim(ClaimRequest request) throws InterruptedException {
        Duration wait = request.waitSeconds() == null ? properties.longPoll()
                : min(Duration.ofSeconds(request.waitSeconds()), properties.longPoll());
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<Assignment> claimed = queue.claimOnce(request.workerName().trim(), request.deviceKind(),
                    request.deviceMemoryBytes());
            long remaining = deadline - System.nanoTime();
            if (claimed.isPresent() || remaining <= 0) {
                return claimed;
            }
            wakeup.await(min(Duration.ofNanos(remaining), RECHECK));
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
