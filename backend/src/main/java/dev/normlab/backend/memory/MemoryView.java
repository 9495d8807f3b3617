package dev.normlab.backend.memory;

import dev.normlab.api.memory.GroupMemory;
import dev.normlab.api.memory.MemoryEstimate;
import dev.normlab.api.spec.RunFootprint;
import java.util.List;

/**
 * The analytic memory of one model under one optimizer, as the API shows it.
 *
 * @param weightsAndStateBytes the papers' comparison (their tables leave gradients out)
 * @param savingVsAdamWFraction share of AdamW's weights + state this optimizer saves
 * @param activationBytes a run's activations of one micro-batch (null for a model without a batch)
 * @param requiredBytes what a worker must have for the run: {@code totalBytes + activationBytes} (null likewise)
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
        double savingVsAdamWFraction,
        Long activationBytes,
        Long requiredBytes) {

    public static MemoryView of(MemoryEstimate e) {
        return new MemoryView(e.optimizer().id(), e.precision().id(), e.dims().parameterCounts().total(), e.groups(),
                e.weightBytes(), e.gradientBytes(), e.stateBytes(), e.weightsAndStateBytes(), e.totalBytes(),
                e.savingVsAdamWBytes(), e.savingVsAdamWFraction(), null, null);
    }

    public static MemoryView of(RunFootprint run) {
        MemoryEstimate e = run.state();
        return new MemoryView(e.optimizer().id(), e.precision().id(), e.dims().parameterCounts().total(), e.groups(),
                e.weightBytes(), e.gradientBytes(), e.stateBytes(), e.weightsAndStateBytes(), e.totalBytes(),
                e.savingVsAdamWBytes(), e.savingVsAdamWFraction(), run.activationBytes(), run.requiredBytes());
    }
}
