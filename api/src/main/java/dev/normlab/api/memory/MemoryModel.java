package dev.normlab.api.memory;

import dev.normlab.api.model.ModelDims;
import dev.normlab.api.model.ParameterCounts;
import java.util.List;

/**
 * Bytes of weights, gradients and optimizer state from the model shape alone (OPTIMIZERS.md, "Memory"):
 * weights = b·ΣP, gradients = b·ΣP, AdamW state = 2b per parameter it owns; the stateless methods own
 * no state for hidden matrices, SGD one momentum buffer when momentum is on.
 */
public final class MemoryModel {

    private MemoryModel() {
    }

    public static MemoryEstimate estimate(ModelDims dims, OptimizerKind optimizer, Precision precision) {
        return estimate(dims, optimizer, precision, 0);
    }

    /**
     * @param sgdMomentum only read for {@link OptimizerKind#SGD}: a momentum buffer exists when non-zero
     */
    public static MemoryEstimate estimate(ModelDims dims, OptimizerKind optimizer, Precision precision, double sgdMomentum) {
        ParameterCounts counts = dims.parameterCounts();
        long b = precision.bytes();
        List<GroupMemory> groups = List.of(
                group("hidden", counts.hiddenMatrices(), optimizer.id(), optimizer.hiddenStateSlots(sgdMomentum), b),
                group("embedding", counts.embedding(), OptimizerKind.ADAMW.id(), OptimizerKind.ADAMW_STATE_SLOTS, b),
                group("head", counts.head(), OptimizerKind.ADAMW.id(), OptimizerKind.ADAMW_STATE_SLOTS, b),
                group("gains", counts.gains(), OptimizerKind.ADAMW.id(), OptimizerKind.ADAMW_STATE_SLOTS, b));
        long weights = groups.stream().mapToLong(GroupMemory::weightBytes).sum();
        long gradients = groups.stream().mapToLong(GroupMemory::gradientBytes).sum();
        long state = groups.stream().mapToLong(GroupMemory::stateBytes).sum();
        long adamWState = OptimizerKind.ADAMW_STATE_SLOTS * b * counts.total();
        return new MemoryEstimate(dims, optimizer, precision, groups, weights, gradients, state, adamWState - state);
    }

    private static GroupMemory group(String name, long parameters, String rule, int stateSlots, long bytesPerElement) {
        long bytes = parameters * bytesPerElement;
        return new GroupMemory(name, parameters, rule, bytes, bytes, stateSlots * bytes);
    }
}
