package dev.normlab.api.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.api.model.ModelDims;
import dev.normlab.api.model.ModelPreset;
import org.junit.jupiter.api.Test;

class ActivationModelTest {

    private static final ModelDims NANO = ModelPreset.byId("nano").orElseThrow().dims().withVocab(256);
    private static final ModelDims MICRO = ModelPreset.byId("micro").orElseThrow().dims().withVocab(256);

    @Test
    void activationsGrowLinearlyWithTheBatchAndFasterThanLinearlyWithTheSequence() {
        long base = ActivationModel.bytes(NANO, 8, 256, Precision.FP32);
        assertThat(ActivationModel.bytes(NANO, 32, 256, Precision.FP32)).isEqualTo(4 * base);
        // attention scores are T x T per head: doubling T more than doubles the bytes
        assertThat(ActivationModel.bytes(NANO, 8, 512, Precision.FP32)).isGreaterThan(2 * base);
        assertThat(ActivationModel.bytes(NANO, 8, 256, Precision.BF16_MIXED)).isEqualTo(base / 2);
    }

    /**
     * Measured on this machine (docs/benchmarks.md, "Activation memory"): peak resident memory grows by 137.7 KB
     * per extra token on nano (batch 8 → 32) and 285.5 KB on micro (8 → 24), bytes, seqLen 256, fp32. The model
     * may overestimate (a worker then refuses a run it might just have held) but by no more than 2×, and never
     * underestimate by more than 10%.
     */
    @Test
    void theModelIsWithinAStatedFactorOfTheMeasuredGrowthPerToken() {
        double nanoPerToken = ActivationModel.bytes(NANO, 1, 256, Precision.FP32) / 256.0;
        double microPerToken = ActivationModel.bytes(MICRO, 1, 256, Precision.FP32) / 256.0;
        assertThat(nanoPerToken / 137.7e3).isBetween(0.9, 2.0);
        assertThat(microPerToken / 285.5e3).isBetween(0.9, 2.0);
    }
}
