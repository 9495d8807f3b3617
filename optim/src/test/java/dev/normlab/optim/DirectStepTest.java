package dev.normlab.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link RoutedOptimizer#step()} (the gradients themselves, no copies) equals DJL's {@code trainer.step()}. */
class DirectStepTest {

    static Stream<Arguments> rules() {
        Tracker lr = Tracker.fixed(0.05f);
        return Stream.of(
                Arguments.of("adamw", (Supplier<Optimizer>) () -> null, false),
                Arguments.of("sgd momentum", (Supplier<Optimizer>) () -> Sgd.builder().setLearningRateTracker(lr)
                        .optMomentum(0.9f).build(), false),
                Arguments.of("sinkgd per matrix", (Supplier<Optimizer>) () -> SinkGd.builder()
                        .setLearningRateTracker(lr).build(), false),
                Arguments.of("sinkgd stacked", (Supplier<Optimizer>) () -> SinkGd.builder()
                        .setLearningRateTracker(lr).build(), true),
                Arguments.of("swan stacked", (Supplier<Optimizer>) () -> Swan.builder()
                        .setLearningRateTracker(lr).build(), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void stepOnTheGradientsEqualsTheTrainersStepThroughTheParameterServer(String name, Supplier<Optimizer> hidden,
            boolean stack) {
        try (Model viaTrainer = Fixtures.miniLlamaModel();
                Model direct = Fixtures.miniLlamaModel();
                NDManager data = NDManager.newBaseManager()) {
            Fixtures.copyParameters(viaTrainer.getBlock(), direct.getBlock());
            RoutedOptimizer[] opt = new RoutedOptimizer[2];
            Shape in = new Shape(8, Fixtures.IN);
            Trainer a = Fixtures.trainer(viaTrainer, b -> opt[0] = routed(b, hidden.get(), stack), in);
            Trainer b = Fixtures.trainer(direct, blk -> opt[1] = routed(blk, hidden.get(), stack), in);
            NDArray x = data.randomNormal(in);
            NDArray y = data.randomNormal(new Shape(8, Fixtures.OUT));
            float[] lossA = new float[4];
            float[] lossB = new float[4];
            for (int step = 0; step < lossA.length; step++) {
                lossA[step] = Fixtures.step(a, x, y);
                lossB[step] = forwardBackward(b, x, y);
                opt[1].step();
            }
            assertThat(lossB).containsExactly(lossA);
            assertThat(lossA[3]).isLessThan(lossA[0]); // it trained
            var pa = viaTrainer.getBlock().getParameters();
            var pb = direct.getBlock().getParameters();
            for (int i = 0; i < pa.size(); i++) {
                NDArray wa = pa.get(i).getValue().getArray();
                NDArray wb = pb.get(i).getValue().getArray();
                assertThat(wb.toFloatArray()).as(pa.get(i).getKey()).containsExactly(wa.toFloatArray());
                assertThat(Mat.maxAbs(Mat.fromNd(wb.getGradient().reshape(1, -1)))).as("grad zeroed").isZero();
            }
            a.close();
            b.close();
            opt[0].close();
            opt[1].close();
        }
    }

    private static RoutedOptimizer routed(ai.djl.nn.Block block, Optimizer hidden, boolean stack) {
        AdamW adamW = AdamW.builder().setLearningRateTracker(Tracker.fixed(0.01f)).build();
        return RoutedOptimizer.builder().setParameters(block.getParameters())
                .setHiddenRule(hidden == null ? adamW : hidden).setAdamW(adamW).optStackHidden(stack).build();
    }

    private static float forwardBackward(Trainer trainer, NDArray x, NDArray y) {
        try (GradientCollector gc = trainer.newGradientCollector()) {
            NDArray pred = trainer.forward(new NDList(x)).singletonOrThrow();
            NDArray l = trainer.getLoss().evaluate(new NDList(y), new NDList(pred));
            gc.backward(l);
            return l.getFloat();
        }
    }
}
