package dev.normlab.api.spec;

import dev.normlab.api.memory.ActivationModel;
import dev.normlab.api.memory.MemoryEstimate;
import dev.normlab.api.memory.MemoryModel;
import dev.normlab.api.model.ModelPreset;

/**
 * The memory one run needs on its device: weights, gradients and optimizer state ({@link MemoryModel}) plus the
 * activations of one micro-batch ({@link ActivationModel}). The queue gives a run only to a worker with at least
 * {@link #requiredBytes()}; a worker refuses (OOM, no retry) a run it cannot hold, before allocating anything.
 */
public record RunFootprint(MemoryEstimate state, long activationBytes) {

    /** Byte-level tokenizer: one token per byte value. */
    public static final int BYTE_VOCAB = 256;
    /** GPT-2 BPE (r50k_base). */
    public static final int GPT2_VOCAB = 50_257;

    public static RunFootprint of(RunSpec spec) {
        var dims = spec.modelDims(tokenizerVocab(spec.tokenizer()));
        MemoryEstimate state = MemoryModel.estimate(dims, spec.optimizer().kind(), spec.precisionKind(),
                spec.optimizer().momentum());
        return new RunFootprint(state, ActivationModel.bytes(dims, spec.batchSize(), spec.seqLen(), spec.precisionKind()));
    }

    public long requiredBytes() {
        return Math.addExact(state.totalBytes(), activationBytes);
    }

    /** Vocabulary of a tokenizer; a HuggingFace file is unknown before it is read, so the papers' 32000 stands in. */
    public static int tokenizerVocab(String tokenizer) {
        return switch (tokenizer) {
            case "byte" -> BYTE_VOCAB;
            case "gpt2" -> GPT2_VOCAB;
            default -> ModelPreset.PAPER_VOCAB;
        };
    }
}
