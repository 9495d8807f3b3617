package dev.normlab.worker.training;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * How to execute one run spec.
 *
 * @param outDir checkpoints, the final summary and the exported model go here
 * @param resumeFrom a checkpoint directory written by an earlier attempt, or null to start from scratch
 * @param metrics receives every metric point
 * @param stopRequested polled between steps: true stops the run early (cancel or SIGTERM); the result says so
 * @param checkpoints told about every checkpoint written (the node agent reports it to the backend); a checkpoint
 *     it confirms is kept on disk until it confirms a newer one
 */
public record TrainingOptions(
        Path outDir,
        Path resumeFrom,
        MetricSink metrics,
        BooleanSupplier stopRequested,
        CheckpointListener checkpoints) {

    /** Notified after a checkpoint is complete on disk. */
    @FunctionalInterface
    public interface CheckpointListener {
        /** @return true when a later attempt would resume from this checkpoint (the backend stored its report) */
        boolean written(long step, Path directory);
    }

    public TrainingOptions {
        stopRequested = stopRequested != null ? stopRequested : () -> false;
        checkpoints = checkpoints != null ? checkpoints : (step, dir) -> true;
    }
}
