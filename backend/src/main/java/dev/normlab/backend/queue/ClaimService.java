package dev.normlab.backend.queue;

import dev.normlab.api.worker.Assignment;
import dev.normlab.api.worker.ClaimRequest;
import dev.normlab.backend.team.Caller;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Long-poll claims without holding a request thread: a claim that finds nothing parks as a waiter, and one
 * dispatcher thread retries the waiters (oldest first) whenever a Postgres NOTIFY says a run was queued, and
 * every {@link #RECHECK} for backoffs that expire without a notification. A waiter past its deadline gets
 * "nothing" (204).
 */
@Service
public class ClaimService implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClaimService.class);
    /** Backoff expiry sends no notification: recheck this often while anyone waits. */
    static final Duration RECHECK = Duration.ofSeconds(2);

    private final QueueService queue;
    private final WorkerRegistry workers;
    private final JsonMapper json;
    private final QueueWakeup wakeup;
    private final QueueProperties properties;
    private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private volatile boolean running;
    private Thread dispatcher;

    private record Waiter(Worker worker, ClaimRequest request, long deadline, CompletableFuture<Optional<Assignment>> result) {
    }

    ClaimService(QueueService queue, WorkerRegistry workers, QueueWakeup wakeup, QueueProperties properties,
            JsonMapper json) {
        this.json = json;
        this.queue = queue;
        this.workers = workers;
        this.wakeup = wakeup;
        this.properties = properties;
    }

    /** Completes with the claimed run, or empty when nothing eligible came within the worker's wait. */
    public CompletableFuture<Optional<Assignment>> claim(Caller caller, ClaimRequest request) {
        Worker worker = Worker.of(caller, request.workerName());
        workers.claiming(worker, request.deviceKind(), request.deviceMemoryBytes(),
                request.engine() == null ? null : json.writeValueAsString(request.engine()));
        Duration wait = request.waitSeconds() == null ? properties.longPoll()
                : min(Duration.ofSeconds(request.waitSeconds()), properties.longPoll());
        if (wait.isZero() || !running) {
            return CompletableFuture.completedFuture(tryClaim(worker, request));
        }
        Waiter waiter = new Waiter(worker, request, System.nanoTime() + wait.toNanos(), new CompletableFuture<>());
        waiters.add(waiter);
        // the dispatcher makes the first attempt, so a run queued before the waiter parked is not missed
        wakeup.wakeAll();
        return waiter.result();
    }

    /**
     * Answers the waiting claims of this worker (its token and name) with nothing, at once: it is shutting down,
     * and a run handed to it now would wait for the confirm window on a closed connection.
     *
     * @return how many waiting claims were withdrawn
     */
    public int withdraw(Caller caller, String workerName) {
        Worker worker = Worker.of(caller, workerName);
        int withdrawn = 0;
        for (Waiter waiter : waiters) {
            if (waiter.worker().equals(worker) && waiter.result().complete(Optional.empty())) {
                withdrawn++;
            }
        }
        return withdrawn;
    }

    /** A claim that could not be answered (the request had ended): the run goes back, no retry spent. */
    void handBack(Assignment assignment) {
        queue.unclaim(assignment);
    }

    private Optional<Assignment> tryClaim(Worker worker, ClaimRequest request) {
        Optional<Assignment> claimed = queue.claimOnce(worker, request.deviceKind(), request.deviceMemoryBytes());
        claimed.ifPresent(run -> workers.working(worker.tokenId(), worker.name(), run.runId()));
        return claimed;
    }

    private void dispatch() {
        while (running) {
            long seen = wakeup.generation();
            long nextDeadline = serveWaiters();
            Duration sleep = waiters.isEmpty() ? RECHECK : min(RECHECK, Duration.ofNanos(Math.max(1, nextDeadline - System.nanoTime())));
            try {
                wakeup.awaitAfter(seen, sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One pass over the waiters; returns the nearest deadline of those still waiting. */
    private long serveWaiters() {
        long nearest = Long.MAX_VALUE;
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter waiter = it.next();
            if (waiter.result().isDone()) {
                it.remove();
                continue;
            }
            try {
                Optional<Assignment> claimed = tryClaim(waiter.worker(), waiter.request());
                if (claimed.isPresent() || System.nanoTime() - waiter.deadline() >= 0) {
                    it.remove();
                    if (!waiter.result().complete(claimed)) {
                        // the worker's request went away (disconnect, timeout) while the claim ran: hand it back
                        claimed.ifPresent(queue::unclaim);
                    }
                } else {
                    nearest = Math.min(nearest, waiter.deadline());
                }
            } catch (RuntimeException e) {
                log.warn("claim for waiting worker {} failed: {}", waiter.request().workerName(), e.getMessage());
                it.remove();
                waiter.result().completeExceptionally(e);
            }
        }
        return nearest == Long.MAX_VALUE ? System.nanoTime() + RECHECK.toNanos() : nearest;
    }

    @Override
    public void start() {
        running = true;
        dispatcher = new Thread(this::dispatch, "normlab-claim-dispatcher");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    @Override
    public void stop() {
        running = false;
        wakeup.wakeAll();
        for (Waiter waiter; (waiter = waiters.poll()) != null; ) {
            waiter.result().complete(Optional.empty());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the listener and the database go away (higher phase stops first). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
