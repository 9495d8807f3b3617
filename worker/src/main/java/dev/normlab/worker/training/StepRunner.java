package dev.normlab.worker.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import dev.normlab.api.worker.FailureKind;
import dev.normlab.optim.RoutedOptimizer;
import dev.normlab.worker.data.BatchSource;
import java.util.List;

/**
 * One optimizer step: {@code gradAccum} micro-batches forward and backward (gradients add up in the engine),
 * the global gradient norm (clipped when asked), then the optimizer's update of every parameter.
 */
final class StepRunner {

    /**
     * @param loss mean training loss over the step's micro-batches
     * @param gradNorm global gradient norm before clipping
     * @param optimizerMs time of the optimizer's update alone
     */
    record StepResult(double loss, double gradNorm, double optimizerMs) {
    }

    private final Block model;
    private final Loss loss;
    private final ParameterStore store;
    private final RoutedOptimizer optimizer;
    private final BatchSource train;
    private final List<NDArray> weights;
    private final NDManager manager;
    private final int gradAccum;
    private final double gradClip;

    StepRunner(Block model, Loss loss, ParameterStore store, RoutedOptimizer optimizer, BatchSource train,
            List<NDArray> weights, NDManager manager, int gradAccum, double gradClip) {
        this.model = model;
        this.loss = loss;
        this.store = store;
        this.optimizer = optimizer;
        this.train = train;
        this.weights = weights;
        this.manager = manager;
        this.gradAccum = gradAccum;
        this.gradClip = gradClip;
    }

    /** @param stepNumber the 1-based number of this step, for error messages */
    StepResult run(long stepNumber) {
        double lossSum = 0;
        double gradNorm;
        try (NDManager stepManager = manager.newSubManager()) { // owns the batches and gradient handles
            try (NDScope activations = new NDScope()) { // and any array made on another manager during the pass
                for (int micro = 0; micro < gradAccum; micro++) {
                    lossSum += forwardBackward(train.next(stepManager), stepNumber);
                }
                gradNorm = GradientClipping.clip(weights, gradClip, stepManager);
                activations.suppressNotUsedWarning();
            }
            long start = System.nanoTime();
            optimizer.step(); // in place, on the gradients themselves; the optimizers zero them
            double optimizerMs = (System.nanoTime() - start) / 1e6;
            return new StepResult(lossSum / gradAccum, gradNorm, optimizerMs);
        }
    }

    private double forwardBackward(NDList batch, long stepNumber) {
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDList logits = model.forward(store, new NDList(batch.get(0)), true); // (B, T, V)
            NDArray l = loss.evaluate(new NDList(batch.get(1)), logits);
            float value = l.getFloat(); // device sync: once per micro-batch
            if (!Float.isFinite(value)) {
                throw new TrainingFailedException(FailureKind.CODE, "non-finite loss at step " + stepNumber
                        + " (train_loss=" + value + "): the run diverged; lower optimizer.lr or set gradClip");
            }
            // the mean over micro-batches: each backward adds loss / gradAccum to the gradients. The divisor is an
            // engine-allocated scalar: DJL's div(Number) wraps a JVM buffer the GC may free before backward reads it
            collector.backward(gradAccum == 1 ? l : l.div(l.getManager().full(new Shape(), gradAccum, l.getDataType())));
            return value;
        }
    }
}
