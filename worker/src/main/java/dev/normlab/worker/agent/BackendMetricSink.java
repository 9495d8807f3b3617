package dev.normlab.worker.agent;

import dev.normlab.api.worker.MetricBatch;
import dev.normlab.api.worker.MetricPoint;
import dev.normlab.worker.training.MetricSink;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers the training loop's points and posts them as {@link MetricBatch}es from a background thread, every
 * {@code interval} or as soon as {@code maxBatch} points are waiting, so the training thread never waits on the
 * network. A batch leaves the buffer only once the backend acknowledged it; transient failures (IO, 5xx) resend
 * the same batch after a growing pause, which the idempotent endpoint stores once. A 409 means the attempt lost
 * its lease: its points are dropped and the training is told to stop.
 */
public final class BackendMetricSink implements MetricSink {

    private static final Logger log = LoggerFactory.getLogger(BackendMetricSink.class);
    /** The backend's rule for metric keys (MetricPoint); a bad key would make the whole batch a 400. */
    private static final Pattern KEY = Pattern.compile("[a-z0-9_./-]{1,64}");
    /** Resends of a failed batch: until acknowledged, or until close()'s drain gives up. */
    static final RetryPolicy METRICS_RETRY = RetryPolicy.doubling(Duration.ofMillis(250), Duration.ofSeconds(10));
    /** How long closing waits for the last points to be acknowledged. */
    public static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(1);

    private final BackendClient client;
    private final long runId;
    private final int attempt;
    private final AttemptSignals signals;
    private final Duration interval;
    private final int maxBatch;
    private final RetryPolicy retry;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Points not yet acknowledged, oldest first; only the sender thread removes them. */
    private final ArrayDeque<MetricPoint> pending = new ArrayDeque<>();
    private final Set<String> warnedKeys = new HashSet<>();
    private final Thread sender;
    private boolean pushRequested;
    private boolean closing;
    private boolean abandoned;
    private long acknowledged;

    public BackendMetricSink(BackendClient client, long runId, int attempt, AttemptSignals signals,
            Duration interval, int maxBatch, RetryPolicy retry) {
        this.client = client;
        this.runId = runId;
        this.attempt = attempt;
        this.signals = signals;
        this.interval = interval;
        this.maxBatch = maxBatch;
        this.retry = retry;
        this.sender = new Thread(this::sendLoop, "metrics-run-" + runId);
        sender.setDaemon(true);
        sender.start();
    }

    /** The agent's settings: every 2 s or 1000 points, resent after {@link #METRICS_RETRY}'s pauses. */
    static BackendMetricSink forAttempt(BackendClient client, long runId, int attempt, AttemptSignals signals) {
        return new BackendMetricSink(client, runId, attempt, signals, Duration.ofSeconds(2), 1_000, METRICS_RETRY);
    }

    @Override
    public void record(MetricPoint point) {
        if (!acceptable(point)) {
            return;
        }
        lock.lock();
        try {
            if (closing || abandoned) {
                return;
            }
            pending.addLast(point);
            if (pending.size() >= maxBatch) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Asks the sender to post what is buffered now; does not wait for it. */
    @Override
    public void flush() {
        lock.lock();
        try {
            pushRequested = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every point recorded so far is acknowledged (the agent calls it before reporting a checkpoint,
     * so a resumed attempt never misses points before its starting step).
     *
     * @return false when the timeout passed or the points were dropped (lease lost)
     */
    public boolean awaitDelivered(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            pushRequested = true;
            changed.signalAll();
            while (!pending.isEmpty() && !abandoned) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return !abandoned;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Posts what is left, waiting at most {@code timeout} (retrying transient failures until then), and stops the
     * sender. Points still unacknowledged after that are dropped with an error in the log.
     *
     * @return true when every point was acknowledged
     */
    public boolean close(Duration timeout) {
        boolean delivered = awaitDelivered(timeout);
        lock.lock();
        try {
            closing = true;
            if (!pending.isEmpty()) {
                log.error("run {}: {} metric points could not be delivered and are dropped", runId, pending.size());
                pending.clear();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            sender.join(BackendClient.ONE_CALL_GRACE.toMillis()); // the sender may be inside one post
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return delivered;
    }

    @Override
    public void close() {
        close(DRAIN_TIMEOUT);
    }

    /** Points the backend acknowledged so far. */
    public long acknowledged() {
        lock.lock();
        try {
            return acknowledged;
        } finally {
            lock.unlock();
        }
    }

    private boolean acceptable(MetricPoint point) {
        String problem = null;
        if (point.value() == null || !Double.isFinite(point.value())) {
            problem = "non-finite value " + point.value();
        } else if (point.key() == null || !KEY.matcher(point.key()).matches()) {
            problem = "invalid key (must be 1-64 of a-z 0-9 _ . / -)";
        } else if (point.step() == null || point.step() < 0 || (point.tokens() != null && point.tokens() < 0)
                || (point.seconds() != null && !(point.seconds() >= 0))) {
            problem = "negative or missing step, tokens or seconds";
        }
        if (problem == null) {
            return true;
        }
        boolean first;
        synchronized (warnedKeys) {
            first = warnedKeys.add(String.valueOf(point.key()));
        }
        // once per key: a diverged run would otherwise log every step
        if (first) {
            log.warn("run {}: dropping metric point {} at step {}: {} (further drops of this key are not logged)",
                    runId, point.key(), point.step(), problem);
        }
        return false;
    }

    private void sendLoop() {
        int failures = 0;
        while (true) {
            List<MetricPoint> batch = nextBatch();
            if (batch == null) {
                return;
            }
            if (batch.isEmpty()) {
                continue;
            }
            try {
                client.postMetrics(runId, new MetricBatch(attempt, batch));
                acknowledge(batch.size());
                failures = 0;
            } catch (LeaseLostException e) {
                log.warn("run {} attempt {}: lease lost while posting metrics, dropping them: {}", runId, attempt,
                        e.getMessage());
                signals.leaseLost();
                abandon();
                return;
            } catch (BackendException e) {
                if (!e.retryable()) {
                    // the points were checked before buffering, so this is a bug; do not block the rest behind it
                    log.error("run {}: backend refused {} metric points, dropping them: {}", runId, batch.size(),
                            e.getMessage());
                    acknowledge(batch.size());
                } else if (retry.retriesAfter(++failures)) {
                    Duration pause = retry.pauseAfter(failures);
                    log.warn("run {}: posting {} metric points failed, retrying in {} ms: {}", runId, batch.size(),
                            pause.toMillis(), e.getMessage());
                    pause(pause);
                } else {
                    log.error("run {}: posting {} metric points failed {} times, dropping them: {}", runId,
                            batch.size(), failures, e.getMessage());
                    acknowledge(batch.size());
                    failures = 0;
                }
            }
        }
    }

    /** Waits for a reason to send and returns the oldest points (still buffered), or null to stop. */
    private List<MetricPoint> nextBatch() {
        lock.lock();
        try {
            long deadline = System.nanoTime() + interval.toNanos();
            while (!closing && !abandoned && !pushRequested && pending.size() < maxBatch) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
            // a push asks for everything buffered, which may take several batches
            if (pending.size() <= maxBatch) {
                pushRequested = false;
            }
            if (abandoned || (closing && pending.isEmpty())) {
                return null;
            }
            List<MetricPoint> batch = new ArrayList<>(Math.min(pending.size(), maxBatch));
            for (MetricPoint point : pending) {
                if (batch.size() == maxBatch) {
                    break;
                }
                batch.add(point);
            }
            return batch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void acknowledge(int count) {
        lock.lock();
        try {
            // close() may have dropped the buffer while this batch was in flight
            for (int i = 0; i < count && !pending.isEmpty(); i++) {
                pending.removeFirst();
            }
            acknowledged += count;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void abandon() {
        lock.lock();
        try {
            abandoned = true;
            pending.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void pause(Duration duration) {
        lock.lock();
        try {
            // close() sets closing only after its drain timed out, and then drops what is left
            long deadline = System.nanoTime() + duration.toNanos();
            while (!abandoned && !closing) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }
}
