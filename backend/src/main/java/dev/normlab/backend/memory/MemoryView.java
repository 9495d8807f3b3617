package dev.normlab.backend.memory;

import dev.normlab.api.memory.GroupMemory;
import dev.normlab.api.memory.MemoryEstimate;
import java.util.List;

/**
 * The analytic memory of one model under one optimizer, as the API shows it.
 *
 * @param weightsAndStateBytes the papers' comparison (their tables leave gradients out)
 * @param savingVsAdamWFraction share of AdamW's weights + state this optimizer saves
 */
public record MemoryView(
        String optimizer,
        String dtype,
        long parameters,
        List<GroupMemory> groups,
        long weightBytes,
        long gradientBytes,
        long stateBytes,
        long weightsAndStateBytes,
        long totalBytes,
        long savingVsAdamWBytes,
        double savingVsAdamWFraction) {

    public static MemoryView of(MemoryEstimate e) {
        return new MemoryView(e.optimizer().id(), e.precision().id(), e.dims().parameterCounts().total(), e.groups(),
                e.weightBytes(), e.gradientBytes(), e.stateBytes(), e.weightsAndStateBytes(), e.totalBytes(),
                e.savingVsAdamWBytes(), e.savingVsAdamWFraction());
    }
}
