package dev.normlab.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@code stateDict()} → saved copy → {@code loadStateDict()} continues training exactly where it stopped. */
class StateDictTest {

    private static final Shape IN = new Shape(8, Fixtures.IN);
    private static final int STEPS_BEFORE = 3;
    private static final int STEPS_AFTER = 3;

    /** A routed optimizer as the trainer builds it: hidden rule by name, AdamW for the rest, counts from {@code begin}. */
    private static RoutedOptimizer routed(Block block, String hidden, int begin) {
        Tracker lr = Tracker.fixed(0.01f);
        AdamW adamW = AdamW.builder().setLearningRateTracker(lr).optBeginNumUpdate(begin).build();
        Optimizer rule = switch (hidden) {
            case "adamw" -> adamW;
            case "sgd-momentum" -> Sgd.builder().setLearningRateTracker(lr).optMomentum(0.9f).optBeginNumUpdate(begin).build();
            case "sgd" -> Sgd.builder().setLearningRateTracker(lr).optBeginNumUpdate(begin).build();
            case "sinkgd" -> SinkGd.builder().setLearningRateTracker(lr).optBeginNumUpdate(begin).build();
            case "swan" -> Swan.builder().setLearningRateTracker(lr).optBeginNumUpdate(begin).build();
            default -> throw new IllegalArgumentException(hidden);
        };
        return RoutedOptimizer.builder().setParameters(block.getParameters()).setHiddenRule(rule).setAdamW(adamW).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"adamw", "sgd-momentum", "sgd", "sinkgd", "swan"})
    void aLoadedStateDictContinuesBitForBitLikeARunThatNeverStopped(String hidden) {
        try (Model whole = Fixtures.miniLlamaModel();
                Model resumed = Fixtures.miniLlamaModel();
                NDManager saved = NDManager.newBaseManager()) {
            RoutedOptimizer[] opt = new RoutedOptimizer[2];
            Trainer a = Fixtures.trainer(whole, b -> opt[0] = routed(b, hidden, 0), IN);
            NDArray x = saved.randomNormal(IN);
            NDArray y = saved.randomNormal(new Shape(8, Fixtures.OUT));
            for (int step = 0; step < STEPS_BEFORE; step++) {
                Fixtures.step(a, x, y);
            }
            // the "checkpoint": copies of the weights and of every state array, off the live ones
            Fixtures.copyParameters(whole.getBlock(), resumed.getBlock());
            Map<String, Map<String, NDArray>> copy = copyOf(opt[0].stateDict(), saved);
            Trainer b = Fixtures.trainer(resumed, blk -> opt[1] = routed(blk, hidden, STEPS_BEFORE), IN);
            opt[1].loadStateDict(renamed(copy, whole.getBlock(), resumed.getBlock()));

            for (int step = 0; step < STEPS_AFTER; step++) {
                Fixtures.step(a, x, y);
                Fixtures.step(b, x, y);
            }
            var pa = whole.getBlock().getParameters();
            var pb = resumed.getBlock().getParameters();
            for (int i = 0; i < pa.size(); i++) {
                assertThat(pb.get(i).getValue().getArray().toFloatArray()).as(pa.get(i).getKey())
                        .containsExactly(pa.get(i).getValue().getArray().toFloatArray());
            }
            a.close();
            b.close();
            opt[0].close();
            opt[1].close();
        }
    }

    @Test
    void theStateDictHoldsTorchsKeysForEveryStatefulParameterOnly() {
        try (Model model = Fixtures.miniLlamaModel()) {
            RoutingTable table = ParameterRouter.llamaDefaults().route(model.getBlock().getParameters());
            Set<String> hidden = table.withRole(ParameterRole.HIDDEN_MATRIX).stream().map(Route::id).collect(Collectors.toSet());
            Set<String> all = table.routes().stream().map(Route::id).collect(Collectors.toSet());
            try (RoutedOptimizer sinkgd = routed(model.getBlock(), "sinkgd", 0);
                    RoutedOptimizer sgd = routed(model.getBlock(), "sgd-momentum", 0);
                    RoutedOptimizer plainSgd = routed(model.getBlock(), "sgd", 0);
                    RoutedOptimizer adamw = routed(model.getBlock(), "adamw", 0)) {
                // allocated up front: a checkpoint taken before the first step already holds every array
                assertThat(sinkgd.stateDict().keySet()).isEqualTo(difference(all, hidden));
                assertThat(adamw.stateDict().keySet()).isEqualTo(all);
                assertThat(sgd.stateDict().keySet()).isEqualTo(all);
                assertThat(plainSgd.stateDict().keySet()).isEqualTo(difference(all, hidden));
                sgd.stateDict().forEach((id, slots) -> assertThat(slots.keySet()).as(id)
                        .containsExactly(hidden.contains(id) ? new String[] {"momentum_buffer"} : new String[] {"exp_avg", "exp_avg_sq"}));
                assertThat(sgd.stateBytes()).isEqualTo(sgd.stateDict().values().stream()
                        .flatMap(s -> s.values().stream()).mapToLong(arr -> arr.size() * 4).sum());
            }
        }
    }

    @Test
    void aStateDictOfAnotherOptimizerOrShapeIsRefusedNamingParameterAndKeyAndChangesNothing() {
        try (Model model = Fixtures.miniLlamaModel();
                NDManager saved = NDManager.newBaseManager();
                RoutedOptimizer sinkgd = routed(model.getBlock(), "sinkgd", 0);
                RoutedOptimizer sgd = routed(model.getBlock(), "sgd-momentum", 0)) {
            Map<String, Map<String, NDArray>> ofSgd = copyOf(sgd.stateDict(), saved);
            ofSgd.values().forEach(slots -> slots.values().forEach(arr -> arr.addi(1f)));
            String hiddenId = model.getBlock().getParameters().stream()
                    .filter(p -> p.getKey().contains("q_proj")).findFirst().orElseThrow().getValue().getId();
            String hiddenName = model.getBlock().getParameters().stream()
                    .filter(p -> p.getValue().getId().equals(hiddenId)).findFirst().orElseThrow().getKey();

            assertThatThrownBy(() -> sinkgd.loadStateDict(ofSgd))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("momentum_buffer").hasMessageContaining(hiddenName);
            Map<String, Map<String, NDArray>> ofSinkGd = copyOf(sinkgd.stateDict(), saved);
            assertThatThrownBy(() -> sgd.loadStateDict(ofSinkGd))
                    .hasMessageContaining("no state momentum_buffer").hasMessageContaining(hiddenName);
            Map<String, Map<String, NDArray>> misshapen = copyOf(sgd.stateDict(), saved);
            misshapen.get(hiddenId).put("momentum_buffer", saved.zeros(new Shape(3, 3)));
            assertThatThrownBy(() -> sgd.loadStateDict(misshapen))
                    .hasMessageContaining("no state momentum_buffer of shape").hasMessageContaining("(3, 3)");
            // refused before anything was copied
            sgd.stateDict().values().forEach(slots -> slots.values().forEach(
                    arr -> assertThat(arr.abs().sum().getFloat()).isZero()));
        }
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        return a.stream().filter(id -> !b.contains(id)).collect(Collectors.toSet());
    }

    private static Map<String, Map<String, NDArray>> copyOf(Map<String, Map<String, NDArray>> state, NDManager into) {
        Map<String, Map<String, NDArray>> copy = new LinkedHashMap<>();
        state.forEach((id, slots) -> {
            Map<String, NDArray> s = new LinkedHashMap<>();
            slots.forEach((key, arr) -> s.put(key, into.create(arr.toFloatArray(), arr.getShape())));
            copy.put(id, s);
        });
        return copy;
    }

    /** Parameter ids differ between two models of one architecture: map them by position. */
    private static Map<String, Map<String, NDArray>> renamed(Map<String, Map<String, NDArray>> state, Block from, Block to) {
        var src = from.getParameters();
        var dst = to.getParameters();
        Map<String, Map<String, NDArray>> out = new LinkedHashMap<>();
        for (int i = 0; i < src.size(); i++) {
            Map<String, NDArray> slots = state.get(src.get(i).getValue().getId());
            if (slots != null) {
                out.put(dst.get(i).getValue().getId(), slots);
            }
        }
        return out;
    }
}
