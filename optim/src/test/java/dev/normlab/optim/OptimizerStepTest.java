package dev.normlab.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class OptimizerStepTest {

    private static final float ETA = 0.3f;

    private record Step(double[][] before, double[][] grad, double[][] after, double[][] gradAfter) {}

    /** One trainer step of a bias-free Linear (out × in) with the given optimizer. */
    private static Step linearStep(Optimizer optimizer, int out, int in, int batch) {
        try (Model model = Model.newInstance("linear");
                NDManager data = NDManager.newBaseManager()) {
            model.setBlock(Linear.builder().setUnits(out).optBias(false).build());
            Trainer trainer = Fixtures.trainer(model, b -> optimizer, new Shape(batch, in));
            Parameter w = model.getBlock().getParameters().get(0).getValue();
            NDArray x = data.randomNormal(new Shape(batch, in));
            NDArray y = data.randomNormal(new Shape(batch, out));
            double[][] before = Mat.fromNd(w.getArray());
            try (var gc = trainer.newGradientCollector()) {
                gc.backward(trainer.getLoss().evaluate(new ai.djl.ndarray.NDList(y), trainer.forward(new ai.djl.ndarray.NDList(x))));
            }
            double[][] grad = Mat.fromNd(w.getArray().getGradient());
            trainer.step();
            Step s = new Step(before, grad, Mat.fromNd(w.getArray()), Mat.fromNd(w.getArray().getGradient()));
            trainer.close();
            return s;
        }
    }

    private static double[][] minusScaled(double[][] w, double step, double[][] x) {
        double[][] out = new double[w.length][w[0].length];
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < w[0].length; j++) {
                out[i][j] = w[i][j] - step * x[i][j];
            }
        }
        return out;
    }

    @Test
    void oneSinkGdStepOnALinearBlockIsWMinusAlphaEtaXComputedIndependently() {
        Step s = linearStep(SinkGd.builder().setLearningRateTracker(Tracker.fixed(ETA)).build(), 6, 10, 8);
        double[][] expected = minusScaled(s.before(), 0.05 * ETA, Oracles.sinkhornDirect(s.grad(), 5, 1e-8));
        assertThat(Mat.maxAbsDiff(s.after(), expected)).isLessThan(1e-6);
        assertThat(Mat.maxAbsDiff(s.after(), s.before())).isGreaterThan(1e-3); // it did move
    }

    @Test
    void oneSwanStepOnALinearBlockIsWMinusAlphaEtaTimesTheSvdWhitenedGradNorm() {
        Step s = linearStep(Swan.builder().setLearningRateTracker(Tracker.fixed(ETA)).build(), 6, 24, 16);
        double[][] d = Oracles.exactWhiten(Oracles.gradNorm(s.grad()));
        double[][] expected = minusScaled(s.before(), 0.05 * ETA, d);
        assertThat(Mat.maxAbsDiff(s.after(), expected)).isLessThan(0.05 * ETA * 1e-3);
    }

    static Stream<Arguments> everyOptimizer() {
        Tracker lr = Tracker.fixed(0.01f);
        return Stream.of(
                Arguments.of("sinkgd", (Supplier<Optimizer>) () -> SinkGd.builder().setLearningRateTracker(lr).build()),
                Arguments.of("swan", (Supplier<Optimizer>) () -> Swan.builder().setLearningRateTracker(lr).build()),
                Arguments.of("adamw", (Supplier<Optimizer>) () -> AdamW.builder().setLearningRateTracker(lr).build()),
                Arguments.of("sgd", (Supplier<Optimizer>) () -> Sgd.builder().setLearningRateTracker(lr).optMomentum(0.9f).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyOptimizer")
    void theWeightsOwnGradientIsZeroAfterTheUpdate(String name, Supplier<Optimizer> optimizer) {
        Step s = linearStep(optimizer.get(), 5, 7, 4);
        assertThat(Mat.maxAbs(s.grad())).isGreaterThan(0);
        assertThat(Mat.maxAbs(s.gradAfter())).isZero();
    }

    @ParameterizedTest(name = "weight decay {0}")
    @ValueSource(floats = {0f, 0.1f})
    void adamWMatchesAHandComputedBiasCorrectedAdamForThreeSteps(float weightDecay) {
        double lr = 0.01;
        double b1 = 0.9f; // the float hyperparameters the optimizer is given
        double b2 = 0.999f;
        double eps = 1e-8;
        Random rnd = new Random(3);
        double[][] w = Mat.asFloat(Mat.gaussian(rnd, 3, 4));
        double[][] m = new double[3][4];
        double[][] v = new double[3][4];
        try (NDManager manager = NDManager.newBaseManager();
                AdamW adamW = AdamW.builder().setLearningRateTracker(Tracker.fixed((float) lr))
                        .optWeightDecays(weightDecay).build()) {
            NDArray weight = Mat.toNd(manager, w);
            for (int t = 1; t <= 3; t++) {
                double[][] g = Mat.asFloat(Mat.gaussian(rnd, 3, 4));
                if (t == 2) {
                    g[1][2] = 1e-9; // exercises eps
                }
                try (NDArray grad = Mat.toNd(manager, g)) {
                    adamW.update("p", weight, grad);
                }
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 4; j++) {
                        w[i][j] -= lr * weightDecay * w[i][j];
                        m[i][j] = b1 * m[i][j] + (1 - b1) * g[i][j];
                        v[i][j] = b2 * v[i][j] + (1 - b2) * g[i][j] * g[i][j];
                        double mHat = m[i][j] / (1 - Math.pow(b1, t));
                        double vHat = v[i][j] / (1 - Math.pow(b2, t));
                        w[i][j] -= lr * mHat / (Math.sqrt(vHat) + eps);
                    }
                }
                assertThat(Mat.maxAbsDiff(Mat.fromNd(weight), w)).as("step %d", t).isLessThan(1e-6);
            }
            assertThat(adamW.stateBytes()).isEqualTo(2L * 4 * 12);
            assertThat(Mat.maxAbsDiff(Mat.fromNd(adamW.state("p").get("exp_avg")), m)).isLessThan(1e-6);
            assertThat(Mat.maxAbsDiff(Mat.fromNd(adamW.state("p").get("exp_avg_sq")), v)).isLessThan(1e-6 * Math.max(1e-3, Mat.maxAbs(v)));
            assertThat(adamW.state("unknown")).isEmpty();
        }
    }

    /** The fused call over many parameters (what {@code RoutedOptimizer.step()} does) is the per-parameter one, bit for bit. */
    @Test
    void adamWOverManyParametersInOneCallEqualsOneCallPerParameter() {
        Random rnd = new Random(5);
        int[][] shapes = {{3, 4}, {7}, {2, 5}};
        try (NDManager manager = NDManager.newBaseManager();
                AdamW together = AdamW.builder().setLearningRateTracker(Tracker.fixed(0.01f)).optWeightDecays(0.1f).build();
                AdamW apart = AdamW.builder().setLearningRateTracker(Tracker.fixed(0.01f)).optWeightDecays(0.1f).build()) {
            List<String> ids = List.of("a", "b", "c");
            List<NDArray> w1 = new ArrayList<>();
            List<NDArray> w2 = new ArrayList<>();
            for (int[] shape : shapes) {
                NDArray w = manager.randomNormal(new ai.djl.ndarray.types.Shape(java.util.Arrays.stream(shape).asLongStream().toArray()));
                w1.add(w);
                w2.add(w.duplicate());
            }
            for (int t = 0; t < 3; t++) {
                List<NDArray> grads = new ArrayList<>();
                for (NDArray w : w1) {
                    grads.add(manager.randomNormal(w.getShape()).mul(rnd.nextFloat() + 0.5f));
                }
                together.updateAll(ids, w1, grads);
                for (int i = 0; i < ids.size(); i++) {
                    apart.update(ids.get(i), w2.get(i), grads.get(i));
                }
            }
            for (int i = 0; i < ids.size(); i++) {
                assertThat(w1.get(i).contentEquals(w2.get(i))).as(ids.get(i)).isTrue();
                assertThat(together.state(ids.get(i)).get("exp_avg_sq").contentEquals(apart.state(ids.get(i)).get("exp_avg_sq"))).isTrue();
            }
        }
    }

    @Test
    void aHalfPrecisionWeightIsNormalizedInFp32AndCastBackOnce() {
        // fp16 stands in for bf16: creating any BFLOAT16 array aborts the JVM in DJL 0.35.1 on CPU
        try (NDManager manager = NDManager.newBaseManager()) {
            SinkGd sinkGd = SinkGd.builder().setLearningRateTracker(Tracker.fixed(ETA)).build();
            Random rnd = new Random(5);
            double[][] w = Mat.gaussian(rnd, 6, 10);
            double[][] g = Mat.heavyTailed(rnd, 6, 10);
            NDArray weight = Mat.toNd(manager, w).toType(ai.djl.ndarray.types.DataType.FLOAT16, false);
            NDArray grad = Mat.toNd(manager, g).toType(ai.djl.ndarray.types.DataType.FLOAT16, false);
            double[][] w16 = Mat.fromNd(weight);
            double[][] expected = minusScaled(w16, 0.05 * ETA, Oracles.sinkhornDirect(Mat.fromNd(grad), 5, 1e-8));
            sinkGd.update("w", weight, grad);
            assertThat(weight.getDataType()).isEqualTo(ai.djl.ndarray.types.DataType.FLOAT16);
            assertThat(Mat.maxAbsDiff(Mat.fromNd(weight), expected)).isLessThan(2e-3 * Math.max(1, Mat.maxAbs(expected)));
        }
    }

    @Test
    void rescaleAndClipHooksApplyBeforeTheUpdateLikeDjl() {
        try (NDManager manager = NDManager.newBaseManager();
                Sgd sgd = Sgd.builder().setLearningRateTracker(Tracker.fixed(1f))
                        .setRescaleGrad(0.5f).optClipGrad(1f).build()) {
            NDArray weight = manager.zeros(new Shape(4));
            sgd.update("p", weight, manager.create(new float[] {-8f, -1f, 1f, 8f}));
            assertThat(weight.toFloatArray()).containsExactly(1f, 0.5f, -0.5f, -1f);
        }
    }

    @Test
    void theRoutedOptimizerKeepsItsAdamWStateAcrossStepsRunInsideAnNDScope() {
        // DJL's own Adam dies at step 2 here: its lazily created state is freed by the scope
        try (Model model = Fixtures.miniLlamaModel();
                NDManager data = NDManager.newBaseManager()) {
            RoutedOptimizer[] optimizer = new RoutedOptimizer[1];
            Trainer trainer = Fixtures.trainer(model, b -> optimizer[0] = Fixtures.routed(b,
                    SinkGd.builder().setLearningRateTracker(Tracker.fixed(0.1f)).build(), 1e-3f, true),
                    new Shape(4, Fixtures.IN));
            NDArray x = data.randomNormal(new Shape(4, Fixtures.IN));
            NDArray y = data.randomNormal(new Shape(4, Fixtures.OUT));
            for (int i = 0; i < 3; i++) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    assertThat(Fixtures.step(trainer, x, y)).isFinite();
                }
            }
            assertThat(optimizer[0].stateBytes()).isPositive();
            trainer.close();
            optimizer[0].close();
        }
    }

    @Test
    void buildersRejectOutOfRangeValuesNamingTheField() {
        Tracker lr = Tracker.fixed(0.01f);
        assertThatThrownBy(() -> SinkGd.builder().setLearningRateTracker(lr).optRounds(0).build())
                .hasMessageContaining("rounds").hasMessageContaining("0");
        assertThatThrownBy(() -> SinkGd.builder().setLearningRateTracker(lr).optAlpha(-1f).build())
                .hasMessageContaining("alpha");
        assertThatThrownBy(() -> SinkGd.builder().build()).hasMessageContaining("learningRateTracker");
        assertThatThrownBy(() -> Swan.builder().setLearningRateTracker(lr).optSteps(0).build())
                .hasMessageContaining("steps");
        assertThatThrownBy(() -> AdamW.builder().setLearningRateTracker(lr).optBeta2(1f).build())
                .hasMessageContaining("beta2");
        assertThatThrownBy(() -> AdamW.builder().setLearningRateTracker(lr).optEpsilon(0f).build())
                .hasMessageContaining("epsilon");
        assertThatThrownBy(() -> Sgd.builder().setLearningRateTracker(lr).optMomentum(-0.1f).build())
                .hasMessageContaining("momentum");
    }
}
