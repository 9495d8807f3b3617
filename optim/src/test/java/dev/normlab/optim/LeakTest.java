package dev.normlab.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No native memory is left behind per step: after a warm-up step the managers of the weights and
 * gradients are capped ({@code cap()} makes every new array attached to them throw), so any
 * array an update forgets to close fails the test instead of leaking.
 */
class LeakTest {

    static Stream<Arguments> everyOptimizer() {
        Tracker lr = Tracker.fixed(0.01f);
        return Stream.of(
                Arguments.of("sinkgd", (Supplier<Optimizer>) () -> SinkGd.builder().setLearningRateTracker(lr).setRescaleGrad(0.5f).optClipGrad(1f).build()),
                Arguments.of("swan", (Supplier<Optimizer>) () -> Swan.builder().setLearningRateTracker(lr).build()),
                Arguments.of("adamw", (Supplier<Optimizer>) () -> AdamW.builder().setLearningRateTracker(lr).optWeightDecays(0.1f).build()),
                Arguments.of("sgd", (Supplier<Optimizer>) () -> Sgd.builder().setLearningRateTracker(lr).optMomentum(0.9f).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyOptimizer")
    void repeatedUpdatesAllocateNothingOnTheWeightOrGradientManagers(String name, Supplier<Optimizer> supplier) throws Exception {
        Optimizer optimizer = supplier.get();
        try (NDManager root = NDManager.newBaseManager()) {
            NDManager weights = root.newSubManager();
            NDManager grads = root.newSubManager();
            NDArray w = weights.randomNormal(new Shape(12, 20));
            NDArray g = grads.randomNormal(new Shape(12, 20));
            optimizer.update("w", w, g); // warm-up: lazily allocated state lives in the optimizer
            weights.cap();
            grads.cap();
            for (int i = 0; i < 5; i++) {
                optimizer.update("w", w, g);
            }
            float[] values = w.toFloatArray(); // a Java copy: allocates nothing on the manager
            for (float v : values) {
                assertThat(v).isFinite();
            }
        } finally {
            if (optimizer instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    @Test
    void repeatedStackedUpdatesAllocateNothingOnTheCallersManagers() {
        SinkGd sinkGd = SinkGd.builder().setLearningRateTracker(Tracker.fixed(0.01f)).build();
        try (NDManager root = NDManager.newBaseManager()) {
            NDManager weights = root.newSubManager();
            NDManager grads = root.newSubManager();
            List<NDArray> w = List.of(weights.randomNormal(new Shape(8, 16)), weights.randomNormal(new Shape(8, 16)));
            NDArray stack = NDArrays.stack(new NDList(grads.randomNormal(new Shape(8, 16)), grads.randomNormal(new Shape(8, 16))));
            weights.cap();
            grads.cap();
            for (int i = 0; i < 5; i++) {
                sinkGd.updateStack(List.of("a", "b"), w, stack);
            }
        }
    }

    @Test
    void trainerStepsWithTheStackedRoutedOptimizerAllocateNothingOnACappedTrainerManager() {
        try (Model model = Fixtures.miniLlamaModel();
                NDManager data = NDManager.newBaseManager()) {
            RoutedOptimizer[] optimizer = new RoutedOptimizer[1];
            Trainer trainer = Fixtures.trainer(model, b -> optimizer[0] = Fixtures.routed(b,
                    SinkGd.builder().setLearningRateTracker(Tracker.fixed(0.1f)).build(), 1e-3f, true),
                    new Shape(4, Fixtures.IN));
            NDArray x = data.randomNormal(new Shape(4, Fixtures.IN));
            NDArray y = data.randomNormal(new Shape(4, Fixtures.OUT));
            Fixtures.step(trainer, x, y);
            trainer.getManager().cap();
            for (int i = 0; i < 3; i++) {
                try (NDManager step = data.newSubManager()) {
                    assertThat(Fixtures.step(trainer, x, y)).isFinite();
                }
            }
            trainer.close();
            optimizer[0].close();
        }
    }
}
