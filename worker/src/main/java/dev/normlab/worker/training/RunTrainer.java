package dev.normlab.worker.training;

import dev.normlab.api.spec.RunSpec;

/**
 * Executes one run spec to the end (or until {@link TrainingOptions#stopRequested()}): the CLI's {@code train}
 * command and the node agent both call it.
 */
public interface RunTrainer {

    /**
     * @throws TrainingFailedException when the run cannot go on (non-finite loss, unusable spec, out of memory)
     */
    TrainingResult train(RunSpec spec, TrainingOptions options);
}
