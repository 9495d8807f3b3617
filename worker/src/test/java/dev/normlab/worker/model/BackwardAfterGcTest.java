package dev.normlab.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Backward must not read memory the JVM may free after the forward. DJL's {@code pow(Number)} wraps the
 * exponent in a JVM direct buffer and closes it at once, while autograd keeps that tensor for backward: once the GC
 * frees the buffer, the input gradient is computed from whatever the allocator left there. This made two runs of one
 * spec in one JVM drift apart and, rarely, turn NaN.
 */
class BackwardAfterGcTest {

    private static final int B = 2;
    private static final int T = 3;
    private static final int C = 8;
    private static final float EPS = 1e-6f;

    private final Random random = new Random(42);
    private final float[] x = gaussian(B * T * C, 1.0);
    private final float[] gains = gaussian(C, 1.0);
    private final float[] upstream = gaussian(B * T * C, 1.0);

    @Test
    void inputGradientIsUnchangedWhenTheGcRunsBetweenForwardAndBackward() {
        float[] immediate = inputGradient(false);
        float[] afterGc = inputGradient(true);

        double[] expected = analyticInputGradient();
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) immediate[i]).as("immediate backward, element %d", i).isCloseTo(expected[i], within(1e-4));
        }
        assertThat(afterGc).as("backward after the GC freed released JVM buffers").containsExactly(immediate);
    }

    @Test
    void everyParameterGradientOfTheModelIsUnchangedWhenTheGcRunsBetweenForwardAndBackward() {
        Map<String, float[]> immediate = modelGradients(false);
        Map<String, float[]> afterGc = modelGradients(true);

        assertThat(afterGc).hasSameSizeAs(immediate);
        immediate.forEach((name, g) -> {
            assertThat(afterGc.get(name)).as("gradient of %s after the GC freed released JVM buffers", name).containsExactly(g);
            assertThat(g).as("gradient of %s is not all zeros", name).isNotEqualTo(new float[g.length]);
        });
    }

    private static Map<String, float[]> modelGradients(boolean gcBeforeBackward) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            LlamaModel model = TinyModels.randomized(manager, TinyModels.DIMS, DataType.FLOAT32, 0.4, 5);
            long[][] ids = TinyModels.randomTokens(2, 7, TinyModels.DIMS.vocab(), 6);
            long[][] labels = TinyModels.randomTokens(2, 7, TinyModels.DIMS.vocab(), 7);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(new ParameterStore(manager, false), new NDList(manager.create(ids)), true)
                        .singletonOrThrow();
                NDArray loss = CausalLmLoss.meanCrossEntropy(logits, manager.create(labels));
                if (gcBeforeBackward) {
                    JvmBuffers.freeUnreachable();
                }
                collector.backward(loss);
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            model.hfStateDict().forEach((name, w) -> out.put(name, w.getGradient().toFloatArray()));
            return out;
        }
    }

    private float[] inputGradient(boolean gcBeforeBackward) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Shape shape = new Shape(B, T, C);
            RmsNorm norm = new RmsNorm(EPS);
            norm.initialize(manager, DataType.FLOAT32, shape);
            norm.weight().getArray().set(gains);
            NDArray input = manager.create(x, shape);
            input.setRequiresGradient(true);
            NDArray u = manager.create(upstream, shape);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = norm.forward(new ParameterStore(manager, false), new NDList(input), true).singletonOrThrow();
                NDArray loss = y.mul(u).sum();
                if (gcBeforeBackward) {
                    JvmBuffers.freeUnreachable();
                }
                collector.backward(loss);
            }
            return input.getGradient().toFloatArray();
        }
    }

    /**
     * d/dx_i of sum(u ⊙ g ⊙ x·r), r = (mean(x²) + eps)^(-1/2), per row: {@code r·g_i·u_i − (r³/C)·x_i·Σ_j g_j·u_j·x_j}.
     */
    private double[] analyticInputGradient() {
        double[] out = new double[x.length];
        for (int row = 0; row < B * T; row++) {
            int o = row * C;
            double meanSquare = 0;
            double dot = 0;
            for (int j = 0; j < C; j++) {
                meanSquare += (double) x[o + j] * x[o + j] / C;
                dot += (double) gains[j] * upstream[o + j] * x[o + j];
            }
            double r = 1 / Math.sqrt(meanSquare + EPS);
            for (int i = 0; i < C; i++) {
                out[o + i] = r * gains[i] * upstream[o + i] - r * r * r / C * x[o + i] * dot;
            }
        }
        return out;
    }

    private float[] gaussian(int n, double std) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (std * random.nextGaussian());
        }
        return values;
    }
}
