package dev.normlab.api.model;

/**
 * Parameters per role, the grouping both stateless papers use: hidden matrices go to the stateless
 * rule, everything else to AdamW.
 *
 * @param hiddenMatrices q, k, v, o, gate, up, down of every layer
 * @param embedding token embedding (vocab x hidden)
 * @param head untied LM head (vocab x hidden)
 * @param gains RMSNorm gains (2 per layer + final norm)
 */
public record ParameterCounts(long hiddenMatrices, long embedding, long head, long gains) {

    public long total() {
        return hiddenMatrices + embedding + head + gains;
    }

    /** Everything the stateless methods leave to AdamW. */
    public long adamRouted() {
        return embedding + head + gains;
    }
}
