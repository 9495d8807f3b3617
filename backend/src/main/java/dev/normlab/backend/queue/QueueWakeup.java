package dev.normlab.backend.queue;

import dev.normlab.backend.system.PgChannelListener;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Wakes long-polling claims when a run becomes claimable: one thread LISTENs on {@link QueueSignal#CHANNEL}
 * over a dedicated connection, so a submit on any replica wakes the waiting workers of every replica.
 */
@Component
class QueueWakeup implements SmartLifecycle {

    private final PgChannelListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private long generation;

    QueueWakeup(DataSource dataSource) {
        this.listener = new PgChannelListener(dataSource, QueueSignal.CHANNEL, "normlab-queue-listener", notifications -> wakeAll());
    }

    /** Waits until a notification newer than {@code seen} (a {@link #generation()}) arrives or the timeout passes. */
    void awaitAfter(long seen, Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (generation == seen && nanos > 0) {
                nanos = queued.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Counts wake-ups: notifications received, plus local kicks. */
    long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    void wakeAll() {
        lock.lock();
        try {
            generation++;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void start() {
        listener.start();
    }

    @Override
    public void stop() {
        wakeAll();
        listener.stop();
    }

    @Override
    public boolean isRunning() {
        return listener.isRunning();
    }
}
