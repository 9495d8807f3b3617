package dev.normlab.api.memory;

import dev.normlab.api.model.ModelDims;

/**
 * Bytes of the activations one training step keeps for backward, from the model shape and the batch alone
 * (docs/benchmarks.md, "Activation memory", compares it with measured peaks). Per token and decoder layer the
 * autograd graph of NormLab's LLaMA (no fused attention, no recomputation) holds about
 * {@value #PER_HIDDEN}·d elements (norm inputs and outputs, q, k, v and their RoPE terms, attention output,
 * residuals), {@value #PER_INTERMEDIATE}·f (gate, up, sigmoid(gate), SiLU, product) and
 * {@value #PER_SCORE}·H·T for the attention scores (scores, masked, softmax); the head adds
 * {@value #PER_VOCAB}·V per token (logits, log-softmax, their gradient) and the embedding output d.
 * Activations are stored in the compute dtype: 2 bytes under bf16 (mixed or not), else 4.
 */
public final class ActivationModel {

    static final int PER_HIDDEN = 16;
    static final int PER_INTERMEDIATE = 5;
    static final int PER_SCORE = 3;
    static final int PER_VOCAB = 3;

    private ActivationModel() {
    }

    /**
     * @param batch sequences per step (the micro-batch a forward pass sees)
     * @param seqLen tokens per sequence
     */
    public static long bytes(ModelDims dims, long batch, long seqLen, Precision precision) {
        long tokens = Math.multiplyExact(batch, seqLen);
        long perTokenPerLayer = (long) PER_HIDDEN * dims.hidden() + (long) PER_INTERMEDIATE * dims.intermediate()
                + (long) PER_SCORE * dims.heads() * seqLen;
        long perToken = Math.addExact(Math.multiplyExact((long) dims.layers(), perTokenPerLayer),
                (long) PER_VOCAB * dims.vocab() + dims.hidden());
        int bytesPerElement = precision == Precision.FP32 ? 4 : 2;
        return Math.multiplyExact(Math.multiplyExact(tokens, perToken), bytesPerElement);
    }
}
