package dev.normlab.worker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import dev.normlab.api.spec.OptimizerSpec;
import dev.normlab.worker.model.CausalLmLoss;
import dev.normlab.worker.model.JvmBuffers;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One optimizer step on a real tiny LLaMA: learning, accumulation, clipping, native memory. */
class StepRunnerTest {

    private static final int SEQ = 16;

    @Test
    void aTinyBatchIsOverfitToNearZeroLoss() {
        long[][] blocks = TinyTraining.randomBlocks(4, SEQ, TinyTraining.DIMS.vocab(), 1);
        try (TinyTraining t = new TinyTraining(OptimizerSpec.of("adamw"), 1e-2, 3, new Shape(4, SEQ))) {
            StepRunner steps = t.steps(new TinyTraining.FixedBatches(blocks, 4), 1, 0);
            double first = steps.run(1).loss();
            double last = first;
            for (int step = 2; step <= 50; step++) {
                last = steps.run(step).loss();
            }
            assertThat(first).isCloseTo(Math.log(TinyTraining.DIMS.vocab()), within(0.3)); // uniform guess at init
            assertThat(last).isLessThan(0.02); // measured 0.005 at step 50 (0.04 at 30)
        }
    }

    @Test
    void twoIdenticalRunsInOneJvmAreBitIdenticalEvenWhenTheGcRunsBetweenForwardAndBackward() {
        long[][] blocks = TinyTraining.randomBlocks(8, SEQ, TinyTraining.DIMS.vocab(), 4);
        OptimizerSpec adamw = OptimizerSpec.of("adamw");
        double[] plain = new double[6];
        Map<String, float[]> plainWeights;
        try (TinyTraining t = new TinyTraining(adamw, 1e-2, 11, new Shape(2, SEQ))) {
            StepRunner steps = new StepRunner(t.model, new CausalLmLoss(), t.store, t.optimizer,
                    new TinyTraining.FixedBatches(blocks, 2), t.weights, t.root, 2, 0);
            for (int i = 0; i < plain.length; i++) {
                plain[i] = steps.run(i + 1).loss();
            }
            plainWeights = t.snapshot();
        }
        double[] collected = new double[plain.length];
        Map<String, float[]> collectedWeights;
        try (TinyTraining t = new TinyTraining(adamw, 1e-2, 11, new Shape(2, SEQ))) {
            StepRunner steps = new StepRunner(t.model, new GcAfterForward(), t.store, t.optimizer,
                    new TinyTraining.FixedBatches(blocks, 2), t.weights, t.root, 2, 0);
            for (int i = 0; i < collected.length; i++) {
                collected[i] = steps.run(i + 1).loss();
            }
            collectedWeights = t.snapshot();
        }

        assertThat(collected).as("train_loss per step").containsExactly(plain);
        plainWeights.forEach((name, w) -> assertThat(collectedWeights.get(name)).as(name).containsExactly(w));
        assertThat(plain[plain.length - 1]).isLessThan(plain[0]); // the runs did train
    }

    /** The causal LM loss, then the GC frees every unreachable JVM buffer before backward reads the graph. */
    private static final class GcAfterForward extends Loss {

        private final CausalLmLoss loss = new CausalLmLoss();

        GcAfterForward() {
            super("gc_after_forward");
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            NDArray value = loss.evaluate(labels, predictions);
            JvmBuffers.freeUnreachable();
            return value;
        }
    }

    @Test
    void twoMicroBatchesOfBEqualOneBatchOf2B() {
        long[][] blocks = TinyTraining.randomBlocks(4, SEQ, TinyTraining.DIMS.vocab(), 2);
        OptimizerSpec sgd = OptimizerSpec.of("sgd"); // hidden: w -= lr * g, so equal weights mean equal gradients
        Map<String, float[]> accumulated;
        double accumulatedLoss;
        try (TinyTraining t = new TinyTraining(sgd, 0.5, 5, new Shape(2, SEQ))) {
            accumulatedLoss = t.steps(new TinyTraining.FixedBatches(blocks, 2), 2, 0).run(1).loss();
            accumulated = t.snapshot();
        }
        Map<String, float[]> whole;
        double wholeLoss;
        try (TinyTraining t = new TinyTraining(sgd, 0.5, 5, new Shape(4, SEQ))) {
            wholeLoss = t.steps(new TinyTraining.FixedBatches(blocks, 4), 1, 0).run(1).loss();
            whole = t.snapshot();
        }
        Map<String, float[]> initial;
        try (TinyTraining t = new TinyTraining(sgd, 0.5, 5, new Shape(4, SEQ))) {
            initial = t.snapshot();
        }

        assertThat(accumulatedLoss).isCloseTo(wholeLoss, within(1e-5));
        whole.forEach((name, w) -> {
            float[] a = accumulated.get(name);
            float[] w0 = initial.get(name);
            double moved = 0;
            for (int i = 0; i < w.length; i++) {
                assertThat(a[i]).as("%s[%d]", name, i).isCloseTo(w[i], within(2e-6f));
                moved = Math.max(moved, Math.abs(w[i] - w0[i]));
            }
            assertThat(moved).as("%s moved", name).isGreaterThan(1e-4); // the comparison is not vacuous
        });
    }

    @Test
    void clippingBoundsTheGlobalGradientNorm() {
        long[][] blocks = TinyTraining.randomBlocks(2, SEQ, TinyTraining.DIMS.vocab(), 3);
        OptimizerSpec sgd = OptimizerSpec.of("sgd");
        double lr = 1.0;
        double clip = 0.05;
        double unclippedHiddenNorm;
        double unclippedGlobalNorm;
        try (TinyTraining t = new TinyTraining(sgd, lr, 9, new Shape(2, SEQ))) {
            Map<String, float[]> before = t.snapshot();
            unclippedGlobalNorm = t.steps(new TinyTraining.FixedBatches(blocks, 2), 1, 0).run(1).gradNorm();
            unclippedHiddenNorm = hiddenStepNorm(before, t.snapshot()) / lr;
        }
        try (TinyTraining t = new TinyTraining(sgd, lr, 9, new Shape(2, SEQ))) {
            Map<String, float[]> before = t.snapshot();
            double reported = t.steps(new TinyTraining.FixedBatches(blocks, 2), 1, clip).run(1).gradNorm();
            double clippedHiddenNorm = hiddenStepNorm(before, t.snapshot()) / lr;

            assertThat(reported).as("grad_norm is the norm before clipping").isCloseTo(unclippedGlobalNorm, within(1e-4 * reported));
            assertThat(unclippedHiddenNorm).isGreaterThan(clip * 2);
            // SGD moved the hidden matrices by lr * (clipped gradient): its norm is at most the global clip
            assertThat(clippedHiddenNorm).isLessThanOrEqualTo(clip * 1.0001);
            // and the scale is the one factor clip / norm applied to every gradient
            assertThat(clippedHiddenNorm).isCloseTo(unclippedHiddenNorm * clip / unclippedGlobalNorm, within(1e-3 * clippedHiddenNorm));
        }
    }

    @ParameterizedTest(name = "stacked hidden step: {0}")
    @ValueSource(booleans = {false, true})
    void nativeArraysDoNotAccumulateOverSteps(boolean stackHidden) {
        long[][] blocks = TinyTraining.randomBlocks(8, SEQ, TinyTraining.DIMS.vocab(), 4);
        try (TinyTraining t = new TinyTraining(OptimizerSpec.of("sinkgd"), 0.01, 1, new Shape(2, SEQ), stackHidden)) {
            assertThat(t.optimizer.stacksHidden()).isEqualTo(stackHidden);
            StepRunner steps = t.steps(new TinyTraining.FixedBatches(blocks, 2), 2, 1.0);
            Evaluator eval = new Evaluator(t.model, new dev.normlab.worker.model.CausalLmLoss(), t.store,
                    new TinyTraining.FixedBatches(blocks, 2), t.root, 2);
            steps.run(1);
            eval.evaluate();
            int afterWarmup = arrays(t);
            for (int step = 2; step <= 8; step++) {
                steps.run(step);
            }
            eval.evaluate();
            assertThat(arrays(t)).isEqualTo(afterWarmup);
        }
    }

    private static int arrays(TinyTraining t) {
        return ((BaseNDManager) t.root).getManagedArrays().size();
    }

    private static double hiddenStepNorm(Map<String, float[]> before, Map<String, float[]> after) {
        double sum = 0;
        for (String name : before.keySet()) {
            if (name.matches(".*(q|k|v|o|gate|up|down)_proj\\.weight")) {
                float[] b = before.get(name);
                float[] a = after.get(name);
                for (int i = 0; i < b.length; i++) {
                    double d = (double) a[i] - b[i];
                    sum += d * d;
                }
            }
        }
        return Math.sqrt(sum);
    }
}
