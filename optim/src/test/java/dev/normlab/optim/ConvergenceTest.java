package dev.normlab.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A teacher–student regression on the LLaMA-shaped toy: every optimizer must cut the loss. */
class ConvergenceTest {

    private static final int STEPS = 80;
    /** Required ratio initial loss / final loss after {@link #STEPS} full-batch steps. */
    private static final float FACTOR = 10f; // measured: x20 (SGD) to x128 (SWAN)

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("adamw everywhere", (Function<Block, Optimizer>) b -> Fixtures.routed(b,
                        AdamW.builder().setLearningRateTracker(Tracker.fixed(1e-2f)).build(), 1e-2f, false)),
                Arguments.of("sgd + adamw", (Function<Block, Optimizer>) b -> Fixtures.routed(b,
                        Sgd.builder().setLearningRateTracker(Tracker.fixed(0.05f)).optMomentum(0.9f).build(), 1e-2f, false)),
                Arguments.of("sinkgd + adamw", (Function<Block, Optimizer>) b -> Fixtures.routed(b,
                        SinkGd.builder().setLearningRateTracker(Tracker.fixed(0.2f)).build(), 1e-2f, false)),
                Arguments.of("sinkgd stacked + adamw", (Function<Block, Optimizer>) b -> Fixtures.routed(b,
                        SinkGd.builder().setLearningRateTracker(Tracker.fixed(0.2f)).build(), 1e-2f, true)),
                Arguments.of("swan + adamw", (Function<Block, Optimizer>) b -> Fixtures.routed(b,
                        Swan.builder().setLearningRateTracker(Tracker.fixed(0.2f)).build(), 1e-2f, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void aTinyRegressionTaskConvergesByTheStatedFactor(String name, Function<Block, Optimizer> optimizer) {
        try (Model model = Fixtures.miniLlamaModel();
                NDManager data = NDManager.newBaseManager()) {
            data.getEngine().setRandomSeed(11);
            NDArray x = data.randomNormal(new Shape(64, Fixtures.IN));
            NDArray teacher = data.randomNormal(new Shape(Fixtures.IN, Fixtures.OUT));
            NDArray y = x.matMul(teacher).tanh();
            Optimizer[] built = new Optimizer[1];
            Trainer trainer = Fixtures.trainer(model, b -> built[0] = optimizer.apply(b), x.getShape());
            float first = Fixtures.loss(trainer, x, y);
            for (int i = 0; i < STEPS; i++) {
                try (NDManager step = data.newSubManager()) {
                    Fixtures.step(trainer, x, y);
                }
            }
            float last = Fixtures.loss(trainer, x, y);
            System.out.printf("%s: loss %.4f -> %.4f (x%.1f)%n", name, first, last, first / last);
            assertThat(first / last).as("%s: %f -> %f", name, first, last).isGreaterThan(FACTOR);
            trainer.close();
            ((RoutedOptimizer) built[0]).close();
        }
    }
}
