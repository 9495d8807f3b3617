package dev.normlab.api.memory;

import dev.normlab.api.model.ModelDims;
import java.util.List;

/**
 * Analytic memory of one model under one optimizer: what the dashboard shows for sizes no worker ran.
 *
 * @param savingVsAdamWBytes weights + state saved against AdamW on the same model and precision
 */
public record MemoryEstimate(
        ModelDims dims,
        OptimizerKind optimizer,
        Precision precision,
        List<GroupMemory> groups,
        long weightBytes,
        long gradientBytes,
        long stateBytes,
        long savingVsAdamWBytes) {

    public MemoryEstimate {
        groups = List.copyOf(groups);
    }

    /** Weights + optimizer state: the papers' comparison (their memory table leaves gradients out). */
    public long weightsAndStateBytes() {
        return weightBytes + stateBytes;
    }

    /** Weights, gradients and optimizer state. */
    public long totalBytes() {
        return weightBytes + gradientBytes + stateBytes;
    }

    /** Fraction of AdamW's weights + state that this optimizer saves (0 for AdamW itself). */
    public double savingVsAdamWFraction() {
        long adamW = weightsAndStateBytes() + savingVsAdamWBytes;
        return adamW == 0 ? 0 : (double) savingVsAdamWBytes / adamW;
    }
}
