package dev.normlab.worker.training;

/**
 * The loop's own state in a checkpoint ({@code state.json}); weights and optimizer state are files beside it.
 *
 * @param step optimizer steps completed
 * @param tokens training tokens consumed
 * @param seconds wall-clock seconds of training so far, summed over attempts
 * @param trainBatches micro-batches the training stream has served (its resumable position)
 * @param seed the run's seed: model init and data order derive from it; no random draw happens during a step
 * @param totalSteps the run's length (the schedule depends on it)
 * @param optimizer the optimizer's name (a checkpoint only resumes the same optimizer)
 * @param lastTrainLoss training loss of the last step
 * @param lastEvalLoss held-out loss of the last evaluation, or null
 */
public record TrainingState(
        long step,
        long tokens,
        double seconds,
        long trainBatches,
        long seed,
        long totalSteps,
        String optimizer,
        Double lastTrainLoss,
        Double lastEvalLoss) {

    public static final String FILE = "state.json";
}
