package dev.normlab.worker.agent;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Why the training of one attempt should stop early, set from the heartbeat and metric threads and read by the
 * training loop between steps.
 */
final class AttemptSignals {

    private final AtomicBoolean shutdown;
    private volatile boolean cancelRequested;
    private volatile boolean leaseLost;

    /** @param shutdown the agent's own flag, shared by every attempt (SIGTERM) */
    AttemptSignals(AtomicBoolean shutdown) {
        this.shutdown = shutdown;
    }

    void cancelRequested() {
        cancelRequested = true;
    }

    void leaseLost() {
        leaseLost = true;
    }

    boolean isCancelRequested() {
        return cancelRequested;
    }

    boolean isLeaseLost() {
        return leaseLost;
    }

    boolean isShutdown() {
        return shutdown.get();
    }

    boolean stopRequested() {
        return cancelRequested || leaseLost || shutdown.get();
    }
}
