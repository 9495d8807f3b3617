package dev.normlab.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

class StackedPathTest {

    static Stream<Arguments> statelessRules() {
        Tracker lr = Tracker.fixed(0.2f);
        return Stream.of(
                Arguments.of("sinkgd", (Supplier<Optimizer>) () -> SinkGd.builder().setLearningRateTracker(lr).build()),
                Arguments.of("swan", (Supplier<Optimizer>) () -> Swan.builder().setLearningRateTracker(lr).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statelessRules")
    void trainingWithStackedHiddenGroupsEqualsThePerMatrixPath(String name, Supplier<Optimizer> rule) {
        try (Model perMatrix = Fixtures.miniLlamaModel();
                Model stacked = Fixtures.miniLlamaModel();
                NDManager data = NDManager.newBaseManager()) {
            Fixtures.copyParameters(perMatrix.getBlock(), stacked.getBlock());
            RoutedOptimizer[] opt = new RoutedOptimizer[2];
            Shape in = new Shape(8, Fixtures.IN);
            Trainer a = Fixtures.trainer(perMatrix, b -> opt[0] = Fixtures.routed(b, rule.get(), 1e-2f, false), in);
            Trainer b = Fixtures.trainer(stacked, blk -> opt[1] = Fixtures.routed(blk, rule.get(), 1e-2f, true), in);
            assertThat(opt[1].stacksHidden()).isTrue();
            NDArray x = data.randomNormal(in);
            NDArray y = data.randomNormal(new Shape(8, Fixtures.OUT));
            for (int step = 0; step < 3; step++) {
                Fixtures.step(a, x, y);
                Fixtures.step(b, x, y);
            }
            var pa = perMatrix.getBlock().getParameters();
            var pb = stacked.getBlock().getParameters();
            for (int i = 0; i < pa.size(); i++) {
                NDArray wa = pa.get(i).getValue().getArray();
                NDArray wb = pb.get(i).getValue().getArray();
                assertThat(wa.allClose(wb, 1e-5, 1e-6, false)).as(pa.get(i).getKey()).isTrue();
                assertThat(Mat.maxAbs(Mat.fromNd(wb.getGradient().reshape(1, -1)))).as("grad zeroed").isZero();
            }
            a.close();
            b.close();
            opt[0].close();
            opt[1].close();
        }
    }

    @Test
    void updateStackEqualsUpdatingEachMatrixAlone() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SinkGd perMatrix = SinkGd.builder().setLearningRateTracker(Tracker.fixed(0.1f)).build();
            SinkGd stacked = SinkGd.builder().setLearningRateTracker(Tracker.fixed(0.1f)).build();
            List<NDArray> w1 = List.of(manager.randomNormal(new Shape(6, 9)), manager.randomNormal(new Shape(6, 9)));
            List<NDArray> w2 = List.of(w1.get(0).duplicate(), w1.get(1).duplicate());
            List<NDArray> g = List.of(manager.randomNormal(new Shape(6, 9)), manager.randomNormal(new Shape(6, 9)));
            perMatrix.update("a", w1.get(0), g.get(0));
            perMatrix.update("b", w1.get(1), g.get(1));
            stacked.updateStack(List.of("a", "b"), w2, NDArrays.stack(new NDList(g.get(0), g.get(1))));
            assertThat(w2.get(0).allClose(w1.get(0), 1e-6, 1e-6, false)).isTrue();
            assertThat(w2.get(1).allClose(w1.get(1), 1e-6, 1e-6, false)).isTrue();
        }
    }

    @Test
    void stackingGroupsLlamaHiddenMatricesByShapeAndIsRefusedForStatefulRules() {
        try (Model model = Fixtures.miniLlamaModel()) {
            RoutingTable table = ParameterRouter.llamaDefaults().route(model.getBlock().getParameters());
            HiddenStacks stacks = new HiddenStacks(SinkGd.builder().setLearningRateTracker(Tracker.fixed(0.1f)).build(),
                    table.withRole(ParameterRole.HIDDEN_MATRIX), RoutedOptimizer.DEFAULT_MAX_STACK_BYTES);
            int h = Fixtures.HIDDEN;
            int i = Fixtures.INTER;
            int l = Fixtures.LAYERS;
            assertThat(stacks.stackSizes()).containsExactly(
                    java.util.Map.entry(new Shape(h, h), 4 * l),   // q, k, v, o of every layer
                    java.util.Map.entry(new Shape(i, h), 2 * l),   // gate and up
                    java.util.Map.entry(new Shape(h, i), l));      // down
            // a cap of three h×h matrices splits the 4L = 8 q,k,v,o into stacks of 3, 3, 2
            HiddenStacks capped = new HiddenStacks(SinkGd.builder().setLearningRateTracker(Tracker.fixed(0.1f)).build(),
                    table.withRole(ParameterRole.HIDDEN_MATRIX), 3L * h * h * Float.BYTES);
            assertThat(capped.stackSizes()).extracting(java.util.Map.Entry::getValue).startsWith(3, 3, 2);
            assertThatThrownBy(() -> Fixtures.routed(model.getBlock(),
                    AdamW.builder().setLearningRateTracker(Tracker.fixed(0.1f)).build(), 1e-3f, true))
                    .hasMessageContaining("stackHidden");
        }
    }
}
