package dev.normlab.worker.agent;

import dev.normlab.api.spec.RunFootprint;
import dev.normlab.api.worker.Assignment;
import dev.normlab.api.worker.Checkpoint;
import dev.normlab.api.worker.CheckpointRequest;
import dev.normlab.api.worker.FailureKind;
import dev.normlab.api.worker.FinishRequest;
import dev.normlab.api.worker.ReleaseRequest;
import dev.normlab.api.worker.RunOutcome;
import dev.normlab.api.worker.RunSummary;
import dev.normlab.worker.training.RunTrainer;
import dev.normlab.worker.training.TrainingFailedException;
import dev.normlab.worker.training.TrainingOptions;
import dev.normlab.worker.training.TrainingResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one claimed attempt: trains in {@code <workDir>/runs/<id>} with heartbeats and metrics going to the
 * backend, reports checkpoints, and ends the attempt with finish (SUCCEEDED, FAILED, CANCELLED), release
 * (worker shutdown) or nothing at all (lease lost: the run is no longer ours).
 */
final class RunAttempt {

    private static final Logger log = LoggerFactory.getLogger(RunAttempt.class);
    private static final int STACK_LINES = 12;
    private static final Duration CHECKPOINT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final BackendClient client;
    private final RunTrainer trainer;
    private final Assignment assignment;
    private final Path runDir;
    private final AttemptSignals signals;
    private final EndCallRetry retry;
    private final long deviceMemoryBytes;

    /** @param deviceMemoryBytes what this worker has; a run whose footprint is larger is refused before training */
    RunAttempt(BackendClient client, RunTrainer trainer, Assignment assignment, Path workDir, AttemptSignals signals,
            EndCallRetry retry, long deviceMemoryBytes) {
        this.deviceMemoryBytes = deviceMemoryBytes;
        this.client = client;
        this.trainer = trainer;
        this.assignment = assignment;
        this.runDir = workDir.resolve("runs").resolve(Long.toString(assignment.runId()));
        this.signals = signals;
        this.retry = retry;
    }

    AttemptEnding execute() {
        long runId = assignment.runId();
        log.info("run {} attempt {}: starting in {}", runId, assignment.attempt(), runDir);
        createRunDir();
        Path resume = resumeDirectory();
        Heartbeats heartbeats = Heartbeats.start(client, runId, assignment.attempt(), assignment.leaseSeconds(), signals);
        BackendMetricSink metrics = BackendMetricSink.forAttempt(client, runId, assignment.attempt(), signals);
        Result result;
        try {
            result = train(resume, metrics);
        } finally {
            metrics.close();
            heartbeats.close();
        }
        return report(result);
    }

    /** What training left to report: a summary, or a failure. */
    private record Result(TrainingResult training, FailureKind failure, String error) {
    }

    private Result train(Path resume, BackendMetricSink metrics) {
        TrainingOptions options = new TrainingOptions(runDir, resume, metrics, signals::stopRequested,
                (step, directory) -> reportCheckpoint(metrics, step, directory));
        long need = RunFootprint.of(assignment.spec()).requiredBytes();
        if (need > deviceMemoryBytes) {
            // refused before allocating anything: the run would take the machine down, and no retry can help
            String error = "the run needs about " + gib(need) + " (weights, gradients, optimizer state and the "
                    + "activations of one micro-batch), this worker has " + gib(deviceMemoryBytes) + "; refused before training";
            log.error("run {}: {}", assignment.runId(), error);
            return new Result(null, FailureKind.OOM, error);
        }
        try {
            return new Result(trainer.train(assignment.spec(), options), null, null);
        } catch (TrainingFailedException e) {
            log.error("run {}: training failed ({}): {}", assignment.runId(), e.kind(), e.getMessage());
            return new Result(null, e.kind(), e.getMessage());
        } catch (OutOfMemoryError e) {
            log.error("run {}: out of memory", assignment.runId(), e);
            return new Result(null, FailureKind.OOM, "out of memory: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            log.error("run {}: training crashed", assignment.runId(), e);
            return new Result(null, FailureKind.CODE, firstLines(e));
        }
    }

    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    /**
     * Reports a checkpoint once every point up to it is stored, so an attempt resuming from it never lacks the
     * points before its first step.
     *
     * @return true when the backend stored the report (a re-claim resumes from this checkpoint)
     */
    private boolean reportCheckpoint(BackendMetricSink metrics, long step, Path directory) {
        if (signals.isLeaseLost()) {
            return false;
        }
        if (!metrics.awaitDelivered(CHECKPOINT_DRAIN_TIMEOUT)) {
            log.warn("run {}: checkpoint at step {} not reported: its metric points are not all stored yet",
                    assignment.runId(), step);
            return false;
        }
        try {
            client.checkpoint(assignment.runId(),
                    new CheckpointRequest(assignment.attempt(), step, directory.toAbsolutePath().toString()));
            log.info("run {}: checkpoint at step {} in {}", assignment.runId(), step, directory);
            return true;
        } catch (LeaseLostException e) {
            log.warn("run {}: lease lost while reporting a checkpoint: {}", assignment.runId(), e.getMessage());
            signals.leaseLost();
            return false;
        } catch (BackendException e) {
            // the next checkpoint is reported again; until then a re-claim resumes from an older one
            log.warn("run {}: reporting the checkpoint at step {} failed: {}", assignment.runId(), step, e.getMessage());
            return false;
        }
    }

    private AttemptEnding report(Result result) {
        long runId = assignment.runId();
        if (signals.isLeaseLost()) {
            log.warn("run {} attempt {}: lease lost, not finishing (another attempt owns the run)", runId,
                    assignment.attempt());
            return AttemptEnding.LEASE_LOST;
        }
        try {
            if (result.failure() != null) {
                String status = retry.call(() -> client.finish(runId, new FinishRequest(assignment.attempt(),
                        RunOutcome.FAILED, result.failure(), result.error(), null)));
                log.info("run {}: reported FAILED ({}); the run is now {}", runId, result.failure(), status);
                return result.failure() == FailureKind.WORKER ? AttemptEnding.WORKER_FAILED : AttemptEnding.FAILED;
            }
            TrainingResult training = result.training();
            RunSummary summary = training.summary();
            if (signals.isCancelRequested()) {
                retry.call(() -> client.finish(runId, new FinishRequest(assignment.attempt(), RunOutcome.CANCELLED,
                        null, null, summary)));
                log.info("run {}: cancelled", runId);
                return AttemptEnding.CANCELLED;
            }
            if (training.stoppedEarly() && signals.isShutdown()) {
                String status = retry.call(() -> client.release(runId,
                        new ReleaseRequest(assignment.attempt(), "worker shutting down")));
                log.info("run {}: released after step {} (checkpoint {}); the run is now {}", runId,
                        summary != null ? summary.steps() : null, training.lastCheckpoint(), status);
                return AttemptEnding.RELEASED;
            }
            retry.call(() -> client.finish(runId, new FinishRequest(assignment.attempt(), RunOutcome.SUCCEEDED,
                    null, null, summary)));
            log.info("run {}: succeeded (final loss {})", runId, summary != null ? summary.finalLoss() : null);
            return AttemptEnding.SUCCEEDED;
        } catch (LeaseLostException e) {
            log.warn("run {}: lease lost before the attempt could end: {}", runId, e.getMessage());
            return AttemptEnding.LEASE_LOST;
        }
    }

    /** The assigned checkpoint when it is on this worker's disk; otherwise the run starts over. */
    private Path resumeDirectory() {
        Checkpoint checkpoint = assignment.resumeFrom();
        if (checkpoint == null) {
            return null;
        }
        Path location = Path.of(checkpoint.location());
        if (Files.isDirectory(location)) {
            log.info("run {}: resuming from the checkpoint at step {} in {}", assignment.runId(), checkpoint.step(),
                    location);
            return location;
        }
        log.warn("run {}: the checkpoint at step {} is at {}, which is not on this worker's disk; starting over",
                assignment.runId(), checkpoint.step(), location);
        return null;
    }

    private void createRunDir() {
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run directory " + runDir, e);
        }
    }

    /** The exception and the top of its stack: enough to find the bug from the run page. */
    static String firstLines(Throwable error) {
        String frames = Arrays.stream(error.getStackTrace()).limit(STACK_LINES)
                .map(frame -> "\tat " + frame).collect(Collectors.joining("\n"));
        return error + (frames.isEmpty() ? "" : "\n" + frames);
    }
}
