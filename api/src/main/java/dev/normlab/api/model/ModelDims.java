package dev.normlab.api.model;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Positive;

/**
 * The shape of a LLaMA decoder: everything the parameter count and the memory model depend on.
 *
 * <p>Every block has q, k, v, o ({@code hidden x hidden}) and gate, up ({@code intermediate x hidden}),
 * down ({@code hidden x intermediate}) without biases, two RMSNorm gains, then a final norm and an
 * untied LM head, as in the GaLore/SWAN/SinkGD harness.
 *
 * @param hidden model width d
 * @param intermediate SwiGLU inner width
 * @param heads attention heads; must divide {@code hidden}
 * @param layers decoder blocks
 * @param vocab vocabulary size (embedding and head rows)
 */
public record ModelDims(
        @Positive @Max(65_536) int hidden,
        @Positive @Max(262_144) int intermediate,
        @Positive @Max(1_024) int heads,
        @Positive @Max(1_024) int layers,
        @Positive @Max(1_048_576) int vocab) {

    public ModelDims {
        if (hidden <= 0 || intermediate <= 0 || heads <= 0 || layers <= 0 || vocab <= 0) {
            throw new IllegalArgumentException("model dimensions must be positive: " + describe(hidden, intermediate, heads, layers, vocab));
        }
    }

    /** Bean Validation view of the divisibility rule, so a REST client learns which field is wrong. */
    @AssertTrue(message = "hidden must be divisible by heads")
    public boolean isHeadDimensionIntegral() {
        return hidden % heads == 0;
    }

    public int headDim() {
        return hidden / heads;
    }

    /** The same shape with another vocabulary (CPU presets follow their tokenizer). */
    public ModelDims withVocab(int newVocab) {
        return new ModelDims(hidden, intermediate, heads, layers, newVocab);
    }

    public ParameterCounts parameterCounts() {
        long h = hidden;
        long perLayerMatrices = 4 * h * h + 3 * h * intermediate;
        return new ParameterCounts(
                layers * perLayerMatrices,
                (long) vocab * h,
                (long) vocab * h,
                (2L * layers + 1) * h);
    }

    private static String describe(int hidden, int intermediate, int heads, int layers, int vocab) {
        return "hidden=" + hidden + ", intermediate=" + intermediate + ", heads=" + heads
                + ", layers=" + layers + ", vocab=" + vocab;
    }
}
