package dev.normlab.api.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Named model shapes. The {@code llama-*} presets are the GaLore/SWAN/SinkGD benchmark models
 * (vocab 32000, context 256); {@code nano} and {@code micro} are CPU-sized and take their
 * vocabulary from the tokenizer.
 */
public enum ModelPreset {
    NANO("nano", 128, 352, 4, 6, 0),
    MICRO("micro", 256, 688, 8, 8, 0),
    LLAMA_60M("llama-60m", 512, 1376, 8, 8, ModelPreset.PAPER_VOCAB),
    LLAMA_130M("llama-130m", 768, 2048, 12, 12, ModelPreset.PAPER_VOCAB),
    LLAMA_350M("llama-350m", 1024, 2736, 16, 24, ModelPreset.PAPER_VOCAB),
    LLAMA_1B("llama-1b", 2048, 5461, 32, 24, ModelPreset.PAPER_VOCAB),
    LLAMA_7B("llama-7b", 4096, 11008, 32, 32, ModelPreset.PAPER_VOCAB);

    /** T5 tokenizer vocabulary used by the papers' harness. */
    public static final int PAPER_VOCAB = 32_000;
    /** Context length of the papers' harness. */
    public static final int PAPER_CONTEXT = 256;

    private final String id;
    private final int hidden;
    private final int intermediate;
    private final int heads;
    private final int layers;
    private final int fixedVocab;

    ModelPreset(String id, int hidden, int intermediate, int heads, int layers, int fixedVocab) {
        this.id = id;
        this.hidden = hidden;
        this.intermediate = intermediate;
        this.heads = heads;
        this.layers = layers;
        this.fixedVocab = fixedVocab;
    }

    public String id() {
        return id;
    }

    /** True when the vocabulary follows the tokenizer instead of the preset. */
    public boolean vocabFollowsTokenizer() {
        return fixedVocab == 0;
    }

    /**
     * The preset's dimensions.
     *
     * @param tokenizerVocab used only when the preset's vocabulary follows the tokenizer
     */
    public ModelDims dims(int tokenizerVocab) {
        return new ModelDims(hidden, intermediate, heads, layers, vocabFollowsTokenizer() ? tokenizerVocab : fixedVocab);
    }

    /** The preset's dimensions with its own vocabulary (paper presets) or the paper's 32000 (CPU presets). */
    public ModelDims dims() {
        return dims(PAPER_VOCAB);
    }

    public static Optional<ModelPreset> byId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.id.equals(wanted)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(ModelPreset::id).toList();
    }
}
