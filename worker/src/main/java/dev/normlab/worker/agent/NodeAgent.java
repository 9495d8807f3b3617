package dev.normlab.worker.agent;

import dev.normlab.api.worker.Assignment;
import dev.normlab.api.worker.ClaimRequest;
import dev.normlab.api.worker.ReleaseRequest;
import dev.normlab.worker.training.RunTrainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's loop: long-poll the backend for a run, execute it ({@link RunAttempt}), repeat. {@link #shutdown}
 * (the JVM's SIGTERM hook) stops a running attempt at its next step, waits for it to checkpoint and hands the run
 * back to the queue without spending a retry.
 */
public final class NodeAgent {

    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
    /** Claims after a transient failure: the backend may be restarting; a worker waits for it however long. */
    static final RetryPolicy CLAIM_RETRY = RetryPolicy.doubling(Duration.ofSeconds(1), Duration.ofSeconds(30));

    private final BackendClient client;
    private final RunTrainer trainer;
    private final WorkerCapabilities capabilities;
    private final Path workDir;
    private final int claimWaitSeconds;

    private final AtomicBoolean shutdown = new AtomicBoolean();
    private final AtomicReference<CompletableFuture<Optional<Assignment>>> pendingClaim = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Counted down by shutdown(), so a pause between failed claims ends at once. */
    private final CountDownLatch shutdownSignal = new CountDownLatch(1);

    /**
     * @param workDir runs train in {@code <workDir>/runs/<id>}
     * @param claimWaitSeconds how long one claim may wait on the backend for a run (long poll)
     */
    public NodeAgent(BackendClient client, RunTrainer trainer, WorkerCapabilities capabilities, Path workDir,
            int claimWaitSeconds) {
        this.client = client;
        this.trainer = trainer;
        this.capabilities = capabilities;
        this.workDir = workDir;
        this.claimWaitSeconds = claimWaitSeconds;
    }

    /**
     * Claims and executes runs until {@link #shutdown}; with {@code once}, returns after the first run.
     * Claims that fail for a transient reason (backend down, 5xx) are retried with a growing pause.
     *
     * @return how the last attempt ended, or null when none ran
     * @throws BackendException when the backend refuses the claim itself (401, 403, 400): retrying cannot help
     */
    public AttemptEnding run(boolean once) {
        log.info("worker '{}' ({}, {} MiB) polling for runs", capabilities.name(), capabilities.deviceKind(),
                capabilities.deviceMemoryBytes() >> 20);
        AttemptEnding last = null;
        int failures = 0;
        try {
            while (!shutdown.get()) {
                Optional<Assignment> assignment;
                try {
                    assignment = claim();
                    failures = 0;
                } catch (CancellationException e) {
                    break;
                } catch (BackendException e) {
                    if (shutdown.get()) {
                        break;
                    }
                    if (!e.retryable()) {
                        // a wrong token or URL does not fix itself: stop instead of polling forever
                        throw e;
                    }
                    Duration pause = CLAIM_RETRY.pauseAfter(++failures);
                    log.warn("claim failed, trying again in {} s: {}", pause.toSeconds(), e.getMessage());
                    sleep(pause);
                    continue;
                }
                if (assignment.isEmpty()) {
                    continue;
                }
                if (shutdown.get()) {
                    handBack(assignment.get());
                    break;
                }
                last = execute(assignment.get());
                if (last == AttemptEnding.WORKER_FAILED) {
                    log.error("this worker's own resources failed (see the run's error): it stops taking runs");
                    break;
                }
                if (once) {
                    break;
                }
            }
        } finally {
            stopped.countDown();
        }
        return last;
    }

    /**
     * Asks the loop to stop and waits up to {@code grace} for it (see {@link #requestShutdown()}).
     *
     * @return true when the loop stopped within {@code grace}
     */
    public boolean shutdown(Duration grace) {
        requestShutdown();
        try {
            return stopped.await(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Asks the loop to stop without waiting: a running attempt stops at its next step, checkpoints and is
     * released; a waiting claim is abandoned.
     */
    public void requestShutdown() {
        if (shutdown.compareAndSet(false, true)) {
            log.info("shutting down: stopping the current run (if any) and handing it back");
        }
        shutdownSignal.countDown();
        CompletableFuture<Optional<Assignment>> claim = pendingClaim.get();
        if (claim != null && !claim.isDone()) {
            // first ask the backend to answer the waiting claim with nothing: closing the connection alone is
            // invisible to it, and the next queued run would be handed to the closed connection
            try {
                client.withdrawClaim(capabilities.name());
            } catch (RuntimeException e) {
                log.debug("withdrawing the waiting claim failed ({}); an unconfirmed claim goes back by itself", e.getMessage());
            }
            claim.cancel(true);
        }
    }

    private Optional<Assignment> claim() {
        CompletableFuture<Optional<Assignment>> claim = client.claim(new ClaimRequest(capabilities.name(),
                capabilities.deviceKind(), capabilities.deviceMemoryBytes(), claimWaitSeconds, capabilities.engine()));
        pendingClaim.set(claim);
        try {
            // shutdown() may have run just before the claim was published
            if (shutdown.get()) {
                claim.cancel(true);
            }
            return claim.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof BackendException backend) {
                throw backend;
            }
            throw new BackendException(0, "claim failed: " + e.getCause(), e.getCause());
        } finally {
            pendingClaim.set(null);
        }
    }

    private AttemptEnding execute(Assignment assignment) {
        try {
            return new RunAttempt(client, trainer, assignment, workDir, new AttemptSignals(shutdown),
                    new EndCallRetry(EndCallRetry.END_CALL_RETRY), capabilities.deviceMemoryBytes()).execute();
        } catch (RuntimeException e) {
            // the run's lease runs out and the backend requeues it; this worker goes on with the next one
            log.error("run {}: the attempt could not be ended cleanly", assignment.runId(), e);
            return null;
        }
    }

    /** A claim that raced with shutdown: give the run straight back. */
    private void handBack(Assignment assignment) {
        try {
            client.release(assignment.runId(), new ReleaseRequest(assignment.attempt(), "worker shutting down"));
            log.info("run {}: claimed during shutdown, released", assignment.runId());
        } catch (BackendException e) {
            log.warn("run {}: could not release it during shutdown (its lease will expire): {}",
                    assignment.runId(), e.getMessage());
        }
    }

    private void sleep(Duration pause) {
        try {
            shutdownSignal.await(pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
