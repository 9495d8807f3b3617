package dev.normlab.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingTest {

    @Test
    void djlJoinsChildNamesPrefixedWithTheirTwoDigitIndexIntoParameterPaths() {
        try (Model model = Fixtures.miniLlamaModel()) {
            List<String> names = model.getBlock().getParameters().keys();
            assertThat(names).startsWith("01embed_tokens_weight",
                    "02layers_01decoder_layer_01self_attn_01q_proj_weight",
                    "02layers_01decoder_layer_01self_attn_02k_proj_weight");
            assertThat(names).contains(
                    "02layers_02decoder_layer_02mlp_03down_proj_weight",
                    "02layers_01decoder_layer_03input_layernorm_gain",
                    "02layers_01decoder_layer_04post_attention_layernorm_gain",
                    "03norm_gain",
                    "04lm_head_weight");
        }
    }

    @Test
    void llamaDefaultsRouteEveryMiniLlamaParameterByNameWithNothingUnmatched() {
        try (Model model = Fixtures.miniLlamaModel()) {
            RoutingTable table = ParameterRouter.llamaDefaults().route(model.getBlock().getParameters());
            assertThat(table.unmatched()).isEmpty();
            assertThat(table.withRole(ParameterRole.HIDDEN_MATRIX)).hasSize(7 * Fixtures.LAYERS)
                    .allMatch(r -> r.name().matches(".*(q|k|v|o|gate|up|down)_proj_weight"));
            assertThat(table.withRole(ParameterRole.EMBEDDING)).singleElement()
                    .matches(r -> r.name().equals("01embed_tokens_weight") && r.shape().dimension() == 2);
            assertThat(table.withRole(ParameterRole.HEAD)).singleElement()
                    .matches(r -> r.name().equals("04lm_head_weight") && r.shape().dimension() == 2);
            assertThat(table.withRole(ParameterRole.GAIN)).hasSize(2 * Fixtures.LAYERS + 1);
        }
    }

    @Test
    void biasesGoToAdamWAndUnknownNamesAreOtherAndReported() {
        ParameterRouter router = ParameterRouter.llamaDefaults();
        assertThat(router.roleOf("02layers_01decoder_layer_01self_attn_01q_proj_bias")).isEqualTo(ParameterRole.BIAS);
        assertThat(router.roleOf("05rotary_inv_freq")).isEqualTo(ParameterRole.OTHER);
        assertThat(router.roleOf("02layers_01decoder_layer_01self_attn_05qq_proj_weight")).isEqualTo(ParameterRole.OTHER);
        // "norm" must be a whole child name, not the tail of another
        assertThat(router.roleOf("07prenorm_gain")).isEqualTo(ParameterRole.OTHER);
        RoutingTable table = new RoutingTable(List.of(
                new Route("05rotary_inv_freq", "uid-1", new Shape(8), router.roleOf("05rotary_inv_freq"))));
        assertThat(table.unmatched()).extracting(Route::name).containsExactly("05rotary_inv_freq");
    }

    @Test
    void embeddingHeadAndGainsGetAdamWStateAndHiddenMatricesNoneWithExactStateBytes() {
        try (Model model = Fixtures.miniLlamaModel();
                NDManager data = NDManager.newBaseManager()) {
            RoutedOptimizer[] optimizer = new RoutedOptimizer[1];
            Trainer trainer = Fixtures.trainer(model, block -> optimizer[0] = Fixtures.routed(block,
                    SinkGd.builder().setLearningRateTracker(Tracker.fixed(0.02f)).build(), 1e-3f, false),
                    new Shape(4, Fixtures.IN));
            NDArray x = data.randomNormal(new Shape(4, Fixtures.IN));
            NDArray y = data.randomNormal(new Shape(4, Fixtures.OUT));
            Fixtures.step(trainer, x, y);
            Fixtures.step(trainer, x, y);

            long pe = (long) Fixtures.IN * Fixtures.HIDDEN;
            long po = (long) Fixtures.HIDDEN * Fixtures.OUT;
            long pg = (long) (2 * Fixtures.LAYERS + 1) * Fixtures.HIDDEN;
            assertThat(optimizer[0].stateBytes()).isEqualTo(2L * 4 * (pe + po + pg));
            Map<ParameterRole, Long> byRole = optimizer[0].stateBytesByRole();
            assertThat(byRole).containsEntry(ParameterRole.HIDDEN_MATRIX, 0L)
                    .containsEntry(ParameterRole.EMBEDDING, 8 * pe)
                    .containsEntry(ParameterRole.HEAD, 8 * po)
                    .containsEntry(ParameterRole.GAIN, 8 * pg);
            assertThat(optimizer[0].summary()).hasSize(model.getBlock().getParameters().size())
                    .allMatch(s -> s.role() == ParameterRole.HIDDEN_MATRIX
                            ? s.rule().startsWith("sinkgd") && s.stateBytes() == 0
                            : s.rule().equals("adamw") && s.stateBytes() == 8 * s.shape().size());
            trainer.close();
            optimizer[0].close();
        }
    }

    @Test
    void sgdWithMomentumOnHiddenMatricesAddsExactlyOneBufferPerHiddenMatrix() {
        try (Model model = Fixtures.miniLlamaModel();
                NDManager data = NDManager.newBaseManager()) {
            RoutedOptimizer[] optimizer = new RoutedOptimizer[1];
            Trainer trainer = Fixtures.trainer(model, block -> optimizer[0] = Fixtures.routed(block,
                    Sgd.builder().setLearningRateTracker(Tracker.fixed(0.01f)).optMomentum(0.9f).build(), 1e-3f, false),
                    new Shape(4, Fixtures.IN));
            Fixtures.step(trainer, data.randomNormal(new Shape(4, Fixtures.IN)), data.randomNormal(new Shape(4, Fixtures.OUT)));
            long ph = (long) Fixtures.LAYERS * (4L * Fixtures.HIDDEN * Fixtures.HIDDEN + 3L * Fixtures.HIDDEN * Fixtures.INTER);
            assertThat(optimizer[0].stateBytesByRole()).containsEntry(ParameterRole.HIDDEN_MATRIX, 4 * ph);
            trainer.close();
            optimizer[0].close();
        }
    }
}
