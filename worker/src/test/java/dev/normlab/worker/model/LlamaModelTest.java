package dev.normlab.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.normlab.api.model.ModelDims;
import dev.normlab.api.model.ModelPreset;
import dev.normlab.api.model.ParameterCounts;
import dev.normlab.optim.ParameterRole;
import dev.normlab.optim.ParameterRouter;
import dev.normlab.optim.Route;
import dev.normlab.optim.RoutingTable;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LlamaModelTest {

    private static final ModelDims TINY = new ModelDims(32, 48, 4, 2, 50);

    @Test
    void forwardMapsTokensToLogitsPerPositionAndLossAtInitIsNearLnVocab() {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = new LlamaModel(TINY);
            model.initialize(manager, DataType.FLOAT32, new Shape(2, 16));
            NDArray tokens = manager.randomInteger(0, TINY.vocab(), new Shape(2, 16), DataType.INT64);
            NDArray logits = model.forward(new ParameterStore(manager, false), new NDList(tokens), false).singletonOrThrow();
            assertThat(logits.getShape()).isEqualTo(new Shape(2, 16, TINY.vocab()));
            assertThat(logits.getDataType()).isEqualTo(DataType.FLOAT32);
            NDArray labels = manager.randomInteger(0, TINY.vocab(), new Shape(2, 16), DataType.INT64);
            float loss = CausalLmLoss.meanCrossEntropy(logits, labels).getFloat();
            // std-0.02 weights give near-uniform predictions: loss ≈ ln V within a few hundredths
            assertThat((double) loss).isCloseTo(Math.log(TINY.vocab()), within(0.05));
        }
    }

    @Test
    void initIsNormal002ForMatricesAndOnesForGainsAndRepeatsUnderTheSameSeed() {
        ModelDims dims = new ModelDims(64, 96, 4, 2, 100);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(42);
            LlamaModel a = new LlamaModel(dims);
            a.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            Engine.getInstance().setRandomSeed(42);
            LlamaModel b = new LlamaModel(dims);
            b.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            Engine.getInstance().setRandomSeed(43);
            LlamaModel c = new LlamaModel(dims);
            c.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            Map<String, NDArray> sb = b.hfStateDict();
            Map<String, NDArray> sc = c.hfStateDict();
            a.hfStateDict().forEach((name, w) -> {
                if (w.getShape().dimension() == 1) {
                    assertThat(w.eq(1f).all().getBoolean()).as(name + " starts at ones").isTrue();
                    return;
                }
                double std = Math.sqrt(w.square().mean().getFloat());
                assertThat(std).as(name + " std").isCloseTo(0.02, within(0.002));
                assertThat((double) w.mean().getFloat()).as(name + " mean").isCloseTo(0.0, within(0.002));
                assertThat(w.contentEquals(sb.get(name))).as(name + " same seed").isTrue();
                assertThat(w.contentEquals(sc.get(name))).as(name + " other seed").isFalse();
            });
        }
    }

    @Test
    void routerGivesEveryParameterItsRoleByNameAndNoneIsOther() {
        ModelDims dims = new ModelDims(16, 24, 2, 3, 20);
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = new LlamaModel(dims);
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
            RoutingTable table = ParameterRouter.llamaDefaults().route(model.getParameters());
            assertThat(table.unmatched()).isEmpty();
            assertThat(table.withRole(ParameterRole.OTHER)).isEmpty();
            assertThat(table.withRole(ParameterRole.BIAS)).isEmpty();
            assertThat(table.withRole(ParameterRole.HIDDEN_MATRIX)).hasSize(7 * dims.layers())
                    .allMatch(r -> r.name().matches(".*_\\d{2}(q|k|v|o|gate|up|down)_proj_weight"));
            assertThat(table.withRole(ParameterRole.EMBEDDING)).singleElement()
                    .matches(r -> r.name().equals("01embed_tokens_weight") && r.shape().equals(new Shape(20, 16)));
            assertThat(table.withRole(ParameterRole.HEAD)).singleElement()
                    .matches(r -> r.name().equals("04lm_head_weight") && r.shape().equals(new Shape(20, 16)));
            assertThat(table.withRole(ParameterRole.GAIN)).hasSize(2 * dims.layers() + 1)
                    .allMatch(r -> r.shape().equals(new Shape(16)));
            assertThat(table.routes()).hasSize(model.hfParameters().size());
        }
    }

    @ParameterizedTest
    @EnumSource(value = ModelPreset.class, names = {"NANO", "MICRO"})
    void cpuPresetsAllocateExactlyTheFormulasParametersPerRole(ModelPreset preset) {
        ModelDims dims = preset.dims(257);
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = new LlamaModel(dims);
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            Map<ParameterRole, Long> real = new EnumMap<>(ParameterRole.class);
            RoutingTable table = ParameterRouter.llamaDefaults().route(model.getParameters());
            for (Pair<String, Parameter> p : model.getParameters()) {
                real.merge(table.roleOf(p.getValue().getId()), p.getValue().getArray().size(), Long::sum);
            }
            assertMatchesFormula(real, dims.parameterCounts());
            assertThat(model.countParameters()).isEqualTo(dims.parameterCounts());
            assertThat(model.describe()).contains("(counted)")
                    .contains(String.format("total %,d", dims.parameterCounts().total()));
        }
    }

    @ParameterizedTest
    @EnumSource(ModelPreset.class)
    void everyPresetDeclaresTheFormulasParameterShapesWithoutAllocating(ModelPreset preset) {
        ModelDims dims = preset.dims(257);
        LlamaModel model = new LlamaModel(dims);
        model.declareParameterShapes();
        RoutingTable table = ParameterRouter.llamaDefaults().route(model.getParameters());
        Map<ParameterRole, Long> declared = new EnumMap<>(ParameterRole.class);
        for (Route r : table.routes()) {
            declared.merge(r.role(), r.shape().size(), Long::sum);
        }
        assertMatchesFormula(declared, dims.parameterCounts());
        assertThat(model.countParameters()).isEqualTo(dims.parameterCounts());
        assertThat(model.getParameters().values()).noneMatch(Parameter::isInitialized);
    }

    private static void assertMatchesFormula(Map<ParameterRole, Long> byRole, ParameterCounts expected) {
        assertThat(byRole).containsOnlyKeys(ParameterRole.HIDDEN_MATRIX, ParameterRole.EMBEDDING,
                ParameterRole.HEAD, ParameterRole.GAIN);
        assertThat(byRole.get(ParameterRole.HIDDEN_MATRIX)).isEqualTo(expected.hiddenMatrices());
        assertThat(byRole.get(ParameterRole.EMBEDDING)).isEqualTo(expected.embedding());
        assertThat(byRole.get(ParameterRole.HEAD)).isEqualTo(expected.head());
        assertThat(byRole.get(ParameterRole.GAIN)).isEqualTo(expected.gains());
    }

    @Test
    void badInputsAreRejectedNamingTheProblem() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = new LlamaModel(TINY, 8);
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
            ParameterStore ps = new ParameterStore(manager, false);
            assertThatThrownBy(() -> model.forward(ps, new NDList(manager.zeros(new Shape(1, 9), DataType.INT64)), false))
                    .hasMessageContaining("maxPositions=8").hasMessageContaining("seq=9");
            assertThatThrownBy(() -> model.forward(ps, new NDList(manager.zeros(new Shape(1, 4))), false))
                    .hasMessageContaining("INT64");
        }
        assertThatThrownBy(() -> new LlamaModel(new ModelDims(30, 48, 4, 2, 50)))
                .hasMessageContaining("hidden=30").hasMessageContaining("heads=4");
    }
}
