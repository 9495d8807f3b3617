package dev.normlab.optim;

/** What a parameter is in the model; the optimizer rule follows from the role, never the rank. */
public enum ParameterRole {
    /** Attention q, k, v, o and MLP gate, up, down weights: the stateless rule. */
    HIDDEN_MATRIX,
    /** Token embedding: AdamW (sparse, high-variance gradients). */
    EMBEDDING,
    /** LM head: AdamW (|V| rows >> d). */
    HEAD,
    /** RMSNorm gains: AdamW. */
    GAIN,
    /** Any bias: AdamW. */
    BIAS,
    /** Matched no pattern: AdamW (safe), and listed as unmatched in the routing table. */
    OTHER;

    /** True for the roles that take the hidden-matrix rule. */
    public boolean isHidden() {
        return this == HIDDEN_MATRIX;
    }
}
