package dev.normlab.worker.training;

import dev.normlab.api.spec.RunSpec;
import dev.normlab.api.worker.FailureKind;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The loop over optimizer steps: train metrics after every step, evaluation and checkpoints when due, a final
 * checkpoint at the end or when a stop is requested. A metric's step is the number of optimizer steps completed
 * (evaluation at step 0 sees the initial weights).
 */
final class TrainingLoop {

    /** Writes a checkpoint of the current weights, optimizer state and this state; returns its directory. */
    @FunctionalInterface
    interface Checkpointer {
        Path write(TrainingState state);
    }

    /** Where the loop ended. */
    record Outcome(TrainingState state, boolean stoppedEarly, Path lastCheckpoint, long attemptTokens, double attemptStepSeconds) {
    }

    private final RunSpec spec;
    private final LrSchedule schedule;
    private final StepRunner steps;
    private final Evaluator evaluator;
    private final FiniteMetrics metrics;
    private final Checkpointer checkpointer;
    private final BooleanSupplier stopRequested;
    private final MemoryAccounting.DevicePeakMemory devicePeak;
    private final LongSupplier trainPosition;

    TrainingLoop(RunSpec spec, LrSchedule schedule, StepRunner steps, Evaluator evaluator, FiniteMetrics metrics,
            Checkpointer checkpointer, BooleanSupplier stopRequested, MemoryAccounting.DevicePeakMemory devicePeak,
            LongSupplier trainPosition) {
        this.spec = spec;
        this.schedule = schedule;
        this.steps = steps;
        this.evaluator = evaluator;
        this.metrics = metrics;
        this.checkpointer = checkpointer;
        this.stopRequested = stopRequested;
        this.devicePeak = devicePeak;
        this.trainPosition = trainPosition;
    }

    /**
     * @param start the state to continue from (step 0 for a fresh run)
     * @param startCheckpoint the checkpoint {@code start} came from, or null
     */
    Outcome run(TrainingState start, Path startCheckpoint) {
        long total = schedule.totalSteps();
        long tokensPerStep = spec.tokensPerStep();
        long clockStart = System.nanoTime();
        long step = start.step();
        long tokens = start.tokens();
        Double trainLoss = start.lastTrainLoss();
        Double evalLoss = start.lastEvalLoss();
        Path lastCheckpoint = startCheckpoint;
        long lastCheckpointStep = start.step();
        double stepSeconds = 0;
        Double lastGradNorm = null;
        boolean stopped = false;

        if (step == 0) {
            evalLoss = evaluate(0, 0, start.seconds());
        }
        while (step < total) {
            if (stopRequested.getAsBoolean()) {
                stopped = true;
                break;
            }
            long stepStart = System.nanoTime();
            StepRunner.StepResult r = runStep(step, trainLoss, lastGradNorm);
            double seconds = (System.nanoTime() - stepStart) / 1e9; // the whole step, data included
            stepSeconds += seconds;
            double lr = schedule.at(step);
            step++;
            tokens += tokensPerStep;
            trainLoss = r.loss();
            lastGradNorm = r.gradNorm();
            double elapsed = start.seconds() + (System.nanoTime() - clockStart) / 1e9;
            metrics.record("train_loss", step, tokens, elapsed, r.loss());
            metrics.record("lr", step, tokens, elapsed, lr);
            metrics.record("grad_norm", step, tokens, elapsed, r.gradNorm());
            metrics.record("tokens_seen", step, tokens, elapsed, tokens);
            metrics.record("tokens_per_s", step, tokens, elapsed, tokensPerStep / seconds);
            metrics.record("step_ms", step, tokens, elapsed, seconds * 1e3);
            metrics.record("optimizer_ms", step, tokens, elapsed, r.optimizerMs());
            devicePeak.sample();

            if (step == total || (spec.evalEvery() > 0 && step % spec.evalEvery() == 0)) {
                evalLoss = evaluate(step, tokens, elapsed);
            }
            if (step == total || (spec.checkpointEvery() > 0 && step % spec.checkpointEvery() == 0)) {
                lastCheckpoint = checkpointer.write(state(step, tokens, start, clockStart, trainLoss, evalLoss));
                lastCheckpointStep = step;
            }
        }
        if (stopped && (lastCheckpoint == null || lastCheckpointStep != step)) {
            lastCheckpoint = checkpointer.write(state(step, tokens, start, clockStart, trainLoss, evalLoss));
        }
        metrics.flush();
        TrainingState end = state(step, tokens, start, clockStart, trainLoss, evalLoss);
        return new Outcome(end, stopped, lastCheckpoint, tokens - start.tokens(), stepSeconds);
    }

    // a divergence report says where the run came from
    private StepRunner.StepResult runStep(long completed, Double trainLoss, Double gradNorm) {
        try {
            return steps.run(completed + 1);
        } catch (TrainingFailedException e) {
            if (e.kind() != FailureKind.CODE || trainLoss == null) {
                throw e;
            }
            throw new TrainingFailedException(FailureKind.CODE, e.getMessage() + "; step " + completed + " had train_loss "
                    + trainLoss + (gradNorm != null ? ", grad_norm " + gradNorm : "") + ", lr " + schedule.at(completed - 1), e);
        }
    }

    private double evaluate(long step, long tokens, double elapsed) {
        double loss = evaluator.evaluate();
        metrics.record("eval_loss", step, tokens, elapsed, loss);
        metrics.record("eval_ppl", step, tokens, elapsed, Math.exp(loss));
        metrics.flush();
        return loss;
    }

    private TrainingState state(long step, long tokens, TrainingState start, long clockStart, Double trainLoss, Double evalLoss) {
        double seconds = start.seconds() + (System.nanoTime() - clockStart) / 1e9;
        return new TrainingState(step, tokens, seconds, trainPosition.getAsLong(), spec.seed(), schedule.totalSteps(),
                spec.optimizer().name(), trainLoss, evalLoss);
    }
}
