package dev.normlab.backend.memory;

import dev.normlab.api.memory.MemoryEstimate;
import dev.normlab.api.memory.MemoryModel;
import dev.normlab.api.model.ModelPreset;
import dev.normlab.api.spec.RunSpec;
import org.springframework.stereotype.Component;

/**
 * The analytic memory a run needs: weights, gradients and optimizer state of its model under its optimizer.
 * The queue compares it with a worker's device memory (a lower bound: activations come on top).
 */
@Component
public class RunMemory {

    /** Byte-level tokenizer: one token per byte value. */
    static final int BYTE_VOCAB = 256;
    /** GPT-2 BPE (r50k_base). */
    static final int GPT2_VOCAB = 50_257;

    public MemoryEstimate estimate(RunSpec spec) {
        return MemoryModel.estimate(spec.modelDims(tokenizerVocab(spec.tokenizer())), spec.optimizer().kind(),
                spec.precisionKind(), spec.optimizer().momentum());
    }

    /** Vocabulary of the run's tokenizer; a HuggingFace file is unknown here, so the papers' 32000 stands in. */
    static int tokenizerVocab(String tokenizer) {
        return switch (tokenizer) {
            case "byte" -> BYTE_VOCAB;
            case "gpt2" -> GPT2_VOCAB;
            default -> ModelPreset.PAPER_VOCAB;
        };
    }
}
