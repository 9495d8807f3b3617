package dev.normlab.worker.agent;

import dev.normlab.api.worker.HeartbeatResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extends the lease of one attempt from its own thread, every quarter of the lease, so a few lost heartbeats
 * do not cost the run. An answer with {@code cancelRequested} or a 409 (lease lost) stops the training.
 */
final class Heartbeats implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

    private final BackendClient client;
    private final long runId;
    private final int attempt;
    private final AttemptSignals signals;
    private final ScheduledExecutorService timer;

    private Heartbeats(BackendClient client, long runId, int attempt, AttemptSignals signals) {
        this.client = client;
        this.runId = runId;
        this.attempt = attempt;
        this.signals = signals;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "heartbeat-run-" + runId);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts beating at once and then every {@code leaseSeconds / 4} (at least every second). */
    static Heartbeats start(BackendClient client, long runId, int attempt, int leaseSeconds, AttemptSignals signals) {
        Heartbeats heartbeats = new Heartbeats(client, runId, attempt, signals);
        long periodMillis = Math.max(1_000L, Duration.ofSeconds(leaseSeconds).toMillis() / 4);
        heartbeats.timer.scheduleWithFixedDelay(heartbeats::beat, 0, periodMillis, TimeUnit.MILLISECONDS);
        return heartbeats;
    }

    private void beat() {
        if (signals.isLeaseLost()) {
            return;
        }
        try {
            HeartbeatResponse response = client.heartbeat(runId, attempt);
            if (response.cancelRequested() && !signals.isCancelRequested()) {
                log.info("run {}: cancel requested, stopping the training", runId);
                signals.cancelRequested();
            }
        } catch (LeaseLostException e) {
            log.warn("run {} attempt {}: lease lost, stopping the training without finishing: {}", runId, attempt,
                    e.getMessage());
            signals.leaseLost();
        } catch (RuntimeException e) {
            // the next beat may get through before the lease runs out; if not, the next one gets a 409
            log.warn("run {}: heartbeat failed: {}", runId, e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(BackendClient.ONE_CALL_GRACE.toMillis(), TimeUnit.MILLISECONDS); // a beat in flight
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
