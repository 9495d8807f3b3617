package dev.normlab.api.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.normlab.api.model.ModelDims;
import dev.normlab.api.model.ModelPreset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MemoryModelTest {

    private static final double GIB = 1024.0 * 1024 * 1024;

    /** OPTIMIZERS.md, "Memory (weights + optimizer state, bf16, GiB)". */
    @ParameterizedTest(name = "{0}: AdamW {1} GiB, stateless {2} GiB")
    @CsvSource({"llama-60m, 0.32, 0.23", "llama-130m, 0.75, 0.43", "llama-350m, 2.06, 0.93", "llama-1b, 7.48, 2.98"})
    void reproduces_the_papers_memory_table_in_bf16(String preset, double adamW, double stateless) {
        ModelDims dims = ModelPreset.byId(preset).orElseThrow().dims();
        assertThat(gib(MemoryModel.estimate(dims, OptimizerKind.ADAMW, Precision.BF16))).isCloseTo(adamW, within(0.005));
        assertThat(gib(MemoryModel.estimate(dims, OptimizerKind.SINKGD, Precision.BF16))).isCloseTo(stateless, within(0.005));
        assertThat(gib(MemoryModel.estimate(dims, OptimizerKind.SWAN, Precision.BF16))).isCloseTo(stateless, within(0.005));
    }

    @Test
    void stateless_methods_keep_no_state_for_hidden_matrices_and_adamw_state_for_the_rest() {
        ModelDims dims = ModelPreset.NANO.dims(257);
        MemoryEstimate sinkgd = MemoryModel.estimate(dims, OptimizerKind.SINKGD, Precision.FP32);
        long adamRouted = dims.parameterCounts().adamRouted();
        assertThat(sinkgd.stateBytes()).isEqualTo(2 * 4 * adamRouted);
        assertThat(sinkgd.groups()).filteredOn(g -> g.group().equals("hidden")).singleElement()
                .satisfies(g -> {
                    assertThat(g.stateBytes()).isZero();
                    assertThat(g.rule()).isEqualTo("sinkgd");
                });
        assertThat(sinkgd.gradientBytes()).isEqualTo(sinkgd.weightBytes()).isEqualTo(4 * dims.parameterCounts().total());
        assertThat(sinkgd.savingVsAdamWBytes()).isEqualTo(2 * 4 * dims.parameterCounts().hiddenMatrices());
    }

    @Test
    void sgd_keeps_a_momentum_buffer_only_when_momentum_is_on() {
        ModelDims dims = ModelPreset.MICRO.dims(257);
        long hidden = dims.parameterCounts().hiddenMatrices();
        long plain = MemoryModel.estimate(dims, OptimizerKind.SGD, Precision.FP32, 0).stateBytes();
        long momentum = MemoryModel.estimate(dims, OptimizerKind.SGD, Precision.FP32, 0.9).stateBytes();
        assertThat(momentum - plain).isEqualTo(4 * hidden);
    }

    @Test
    void adamw_saves_nothing_against_itself_and_the_1b_saving_is_about_sixty_percent() {
        ModelDims dims = ModelPreset.LLAMA_1B.dims();
        assertThat(MemoryModel.estimate(dims, OptimizerKind.ADAMW, Precision.BF16).savingVsAdamWFraction()).isZero();
        // (7.48 - 2.98) / 7.48 from the papers' table
        assertThat(MemoryModel.estimate(dims, OptimizerKind.SWAN, Precision.BF16).savingVsAdamWFraction()).isCloseTo(0.60, within(0.01));
    }

    @Test
    void mixed_bf16_keeps_fp32_weights_gradients_and_state_the_papers_bf16_halves_them() {
        ModelDims dims = ModelPreset.LLAMA_60M.dims();
        for (OptimizerKind kind : OptimizerKind.values()) {
            MemoryEstimate fp32 = MemoryModel.estimate(dims, kind, Precision.FP32);
            MemoryEstimate mixed = MemoryModel.estimate(dims, kind, Precision.BF16_MIXED);
            MemoryEstimate bf16 = MemoryModel.estimate(dims, kind, Precision.BF16);
            assertThat(mixed.totalBytes()).as(kind.id()).isEqualTo(fp32.totalBytes());
            assertThat(mixed.stateBytes()).as(kind.id()).isEqualTo(fp32.stateBytes());
            assertThat(bf16.totalBytes() * 2).as(kind.id()).isEqualTo(fp32.totalBytes());
        }
        assertThat(Precision.byId("bf16-mixed")).contains(Precision.BF16_MIXED);
    }

    private static double gib(MemoryEstimate e) {
        return e.weightsAndStateBytes() / GIB;
    }
}
