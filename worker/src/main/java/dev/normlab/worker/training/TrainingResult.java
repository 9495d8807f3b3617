package dev.normlab.worker.training;

import dev.normlab.api.worker.RunSummary;
import java.nio.file.Path;

/**
 * What a finished (or stopped) training run left behind.
 *
 * @param stoppedEarly true when {@link TrainingOptions#stopRequested()} ended it before the last step
 * @param lastCheckpoint the newest checkpoint directory, or null
 */
public record TrainingResult(RunSummary summary, boolean stoppedEarly, Path lastCheckpoint) {
}
