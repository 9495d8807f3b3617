package dev.normlab.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The TorchScript-backed ops against loops written out here in double precision. */
class FusedOpsTest {

    private static final int B = 2;
    private static final int H = 3;
    private static final int T = 5;
    private static final int D = 4;

    @Test
    void causalAttentionIsSoftmaxOfScaledScoresWithTheFutureMaskedTimesValuesAndItsGradientFlows() {
        Random random = new Random(7);
        double[] q = gaussian(random, B * H * T * D);
        double[] k = gaussian(random, B * H * T * D);
        double[] v = gaussian(random, B * H * T * D);
        double[] weights = gaussian(random, B * H * T * D); // loss = Σ w ⊙ attention(q, k, v)
        try (NDManager manager = NDManager.newBaseManager(); FusedOps fused = new FusedOps()) {
            fused.open(manager);
            Shape shape = new Shape(B, H, T, D);
            NDArray qa = manager.create(q, shape);
            NDArray ka = manager.create(k, shape);
            NDArray va = manager.create(v, shape);
            for (NDArray a : new NDArray[] {qa, ka, va}) {
                a.setRequiresGradient(true);
            }
            double[] actual;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = fused.causalAttention(qa, ka, va);
                actual = y.toDoubleArray();
                gc.backward(y.mul(manager.create(weights, shape)).sum());
            }
            double[] expected = attention(q, k, v);
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).isCloseTo(expected[i], within(1e-12));
            }
            // the gradient of Σ w ⊙ y with respect to v is Σ_t p[t, s] · w[t]: checked against the loop's p
            double[] gradV = va.getGradient().toDoubleArray();
            double[] p = probabilities(q, k);
            for (int bh = 0; bh < B * H; bh++) {
                for (int s = 0; s < T; s++) {
                    for (int d = 0; d < D; d++) {
                        double g = 0;
                        for (int t = 0; t < T; t++) {
                            g += p[(bh * T + t) * T + s] * weights[(bh * T + t) * D + d];
                        }
                        assertThat(gradV[(bh * T + s) * D + d]).isCloseTo(g, within(1e-12));
                    }
                }
            }
            assertThat(qa.getGradient().abs().sum().getDouble()).as("q and k get gradients too").isGreaterThan(0.0);
            assertThat(ka.getGradient().abs().sum().getDouble()).isGreaterThan(0.0);
        }
    }

    @Test
    void causalAttentionReadsTransposedViewsAsTheirLogicalValues() {
        try (NDManager manager = NDManager.newBaseManager(); FusedOps fused = new FusedOps()) {
            fused.open(manager);
            Random random = new Random(3);
            Shape stored = new Shape(B, T, H, D); // the layout of the projections, read as (B, H, T, D)
            NDArray q = manager.create(gaussian(random, B * H * T * D), stored).transpose(0, 2, 1, 3);
            NDArray k = manager.create(gaussian(random, B * H * T * D), stored).transpose(0, 2, 1, 3);
            NDArray v = manager.create(gaussian(random, B * H * T * D), stored).transpose(0, 2, 1, 3);
            double[] expected = attention(copy(q), copy(k), copy(v));
            double[] actual = fused.causalAttention(q, k, v).toDoubleArray();
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).isCloseTo(expected[i], within(1e-12));
            }
        }
    }

    @Test
    void siluGateIsGateTimesSigmoidOfGateTimesUpWithTheGradientOfThatProduct() {
        try (NDManager manager = NDManager.newBaseManager(); FusedOps fused = new FusedOps()) {
            fused.open(manager);
            double[] gate = {-3.0, -0.5, 0.0, 0.25, 2.0, 7.5};
            double[] up = {1.5, -2.0, 4.0, 0.5, -1.0, 3.0};
            NDArray g = manager.create(gate);
            NDArray u = manager.create(up);
            g.setRequiresGradient(true);
            u.setRequiresGradient(true);
            double[] actual;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = fused.siluGate(g, u);
                actual = y.toDoubleArray();
                gc.backward(y.sum());
            }
            double[] gradGate = g.getGradient().toDoubleArray();
            double[] gradUp = u.getGradient().toDoubleArray();
            for (int i = 0; i < gate.length; i++) {
                double sigmoid = 1 / (1 + Math.exp(-gate[i]));
                assertThat(actual[i]).isCloseTo(gate[i] * sigmoid * up[i], within(1e-14));
                assertThat(gradUp[i]).isCloseTo(gate[i] * sigmoid, within(1e-14));
                // d/dx x·σ(x) = σ(x)·(1 + x·(1 − σ(x)))
                assertThat(gradGate[i]).isCloseTo(up[i] * sigmoid * (1 + gate[i] * (1 - sigmoid)), within(1e-14));
            }
        }
    }

    @Test
    void outsideAGradientCollectorNoGraphIsRecorded() {
        try (NDManager manager = NDManager.newBaseManager(); FusedOps fused = new FusedOps()) {
            fused.open(manager);
            NDArray g = manager.create(new float[] {1, 2, 3});
            g.setRequiresGradient(true);
            NDArray y = fused.siluGate(g, manager.create(new float[] {1, 1, 1}));
            assertThat(y.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(JniUtils.requiresGrad((PtNDArray) y)).as("no graph: the eval forward keeps nothing").isFalse();
        }
    }

    private static double[] copy(NDArray a) {
        return a.toDoubleArray(); // logical (row-major) order of the view
    }

    /** softmax over s ≤ t of q[t]·k[s]/√D. */
    private static double[] probabilities(double[] q, double[] k) {
        double[] p = new double[B * H * T * T];
        for (int bh = 0; bh < B * H; bh++) {
            for (int t = 0; t < T; t++) {
                int row = bh * T + t;
                int first = bh * T; // key/value row of position 0 in this batch·head
                double[] weights = NaiveLlama.causalSoftmax(t, u -> {
                    double dot = 0;
                    for (int d = 0; d < D; d++) {
                        dot += q[row * D + d] * k[(first + u) * D + d];
                    }
                    return dot / Math.sqrt(D);
                });
                System.arraycopy(weights, 0, p, row * T, t + 1);
            }
        }
        return p;
    }

    private static double[] attention(double[] q, double[] k, double[] v) {
        double[] p = probabilities(q, k);
        double[] y = new double[B * H * T * D];
        for (int bh = 0; bh < B * H; bh++) {
            for (int t = 0; t < T; t++) {
                for (int d = 0; d < D; d++) {
                    double sum = 0;
                    for (int u = 0; u < T; u++) {
                        sum += p[(bh * T + t) * T + u] * v[(bh * T + u) * D + d];
                    }
                    y[(bh * T + t) * D + d] = sum;
                }
            }
        }
        return y;
    }

    private static double[] gaussian(Random random, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextGaussian();
        }
        return out;
    }
}
