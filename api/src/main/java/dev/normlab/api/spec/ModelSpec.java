package dev.normlab.api.spec;

import dev.normlab.api.model.ModelDims;
import dev.normlab.api.model.ModelPreset;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

/**
 * The model: a preset, or custom dimensions. A preset may have single fields overridden
 * (e.g. {@code {"preset":"nano","layers":2}}); {@code vocab} defaults to the preset's, or to the
 * tokenizer's for CPU presets and custom shapes.
 *
 * @param preset one of {@link ModelPreset#ids()}; null for fully custom dimensions
 */
public record ModelSpec(
        @Pattern(regexp = "nano|micro|llama-60m|llama-130m|llama-350m|llama-1b|llama-7b",
                message = "must be one of nano, micro, llama-60m, llama-130m, llama-350m, llama-1b, llama-7b")
        String preset,
        @Positive @Max(65_536) Integer hidden,
        @Positive @Max(262_144) Integer intermediate,
        @Positive @Max(1_024) Integer heads,
        @Positive @Max(1_024) Integer layers,
        @Positive @Max(1_048_576) Integer vocab) {

    public static ModelSpec preset(String preset) {
        return new ModelSpec(preset, null, null, null, null, null);
    }

    @AssertTrue(message = "give a preset or all of hidden, intermediate, heads and layers")
    public boolean isComplete() {
        return preset != null || (hidden != null && intermediate != null && heads != null && layers != null);
    }

    @AssertTrue(message = "hidden must be divisible by heads")
    public boolean isHeadDimensionIntegral() {
        Integer h = hidden != null ? hidden : presetDims().map(ModelDims::hidden).orElse(null);
        Integer n = heads != null ? heads : presetDims().map(ModelDims::heads).orElse(null);
        return h == null || n == null || n <= 0 || h % n == 0;
    }

    /**
     * The resolved dimensions.
     *
     * @param tokenizerVocab the tokenizer's vocabulary, used when neither the spec nor the preset fixes it
     */
    public ModelDims dims(int tokenizerVocab) {
        java.util.Optional<ModelPreset> base = ModelPreset.byId(preset);
        if (preset != null && base.isEmpty()) {
            throw new IllegalArgumentException("model.preset: unknown preset '" + preset + "'");
        }
        ModelDims d = base.map(p -> p.dims(tokenizerVocab)).orElse(null);
        return new ModelDims(
                hidden != null ? hidden : require(d, "hidden").hidden(),
                intermediate != null ? intermediate : require(d, "intermediate").intermediate(),
                heads != null ? heads : require(d, "heads").heads(),
                layers != null ? layers : require(d, "layers").layers(),
                vocab != null ? vocab : d != null ? d.vocab() : tokenizerVocab);
    }

    private java.util.Optional<ModelDims> presetDims() {
        return ModelPreset.byId(preset).map(ModelPreset::dims);
    }

    private static ModelDims require(ModelDims presetDims, String field) {
        if (presetDims == null) {
            throw new IllegalArgumentException("model." + field + ": required when no preset is given");
        }
        return presetDims;
    }
}
