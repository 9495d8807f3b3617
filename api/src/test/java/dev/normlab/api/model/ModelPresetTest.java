package dev.normlab.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelPresetTest {

    /** Totals from the papers' table (OPTIMIZERS.md), in millions, rounded to 0.1M. */
    @ParameterizedTest(name = "{0} has {1}M parameters")
    @CsvSource({"llama-60m, 58.1", "llama-130m, 134.1", "llama-350m, 368.0", "llama-1b, 1339.1"})
    void paper_presets_have_the_published_parameter_counts(String id, double millions) {
        ParameterCounts counts = ModelPreset.byId(id).orElseThrow().dims().parameterCounts();
        assertThat(counts.total() / 1e6).isCloseTo(millions, within(0.05));
    }

    @Test
    void counts_per_group_follow_the_llama_formula_term_by_term() {
        // llama-60m by hand: per layer 4·512² (q,k,v,o) + 3·512·1376 (gate, up, down)
        ParameterCounts c = ModelPreset.LLAMA_60M.dims().parameterCounts();
        assertThat(c.hiddenMatrices()).isEqualTo(8L * (4 * 512 * 512 + 3 * 512 * 1376));
        assertThat(c.embedding()).isEqualTo(32_000L * 512);
        assertThat(c.head()).isEqualTo(32_000L * 512);
        assertThat(c.gains()).isEqualTo(17L * 512);
        assertThat(c.total()).isEqualTo(58_073_600L);
    }

    @Test
    void cpu_presets_take_the_vocabulary_of_the_tokenizer() {
        ModelDims nano = ModelPreset.NANO.dims(257);
        assertThat(nano.vocab()).isEqualTo(257);
        // the "~1.2M parameters in the blocks" and "~6.3M" for micro
        assertThat(nano.parameterCounts().hiddenMatrices()).isEqualTo(1_204_224L);
        assertThat(ModelPreset.MICRO.dims(257).parameterCounts().hiddenMatrices() / 1e6).isCloseTo(6.3, within(0.05));
        assertThat(ModelPreset.LLAMA_60M.dims(257).vocab()).isEqualTo(32_000);
    }

    @Test
    void presets_are_found_by_id_ignoring_case_and_unknown_ids_are_empty() {
        assertThat(ModelPreset.byId("LLaMA-7B")).contains(ModelPreset.LLAMA_7B);
        assertThat(ModelPreset.byId("llama-3b")).isEmpty();
        assertThat(ModelPreset.ids()).contains("nano", "micro", "llama-60m", "llama-7b");
    }

    @Test
    void dims_reject_non_positive_sizes_naming_them() {
        assertThatThrownBy(() -> new ModelDims(0, 10, 1, 1, 10)).hasMessageContaining("hidden=0");
    }
}
