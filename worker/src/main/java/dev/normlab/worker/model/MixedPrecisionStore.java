package dev.normlab.worker.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * Mixed precision the way {@code torch.autocast} does it, for DJL, which has no autocast: the parameters (master
 * weights) stay in their dtype (fp32) and each forward pass computes with a copy cast to {@code computeType} (bf16
 * on a GPU). The cast is recorded by autograd, so backward runs in {@code computeType} and the gradient lands on the
 * master weight in fp32 ({@link Casts}: DJL's own {@code toType} would cut the graph); the optimizer reads fp32 gradients and updates fp32 weights and fp32 state.
 *
 * <p>Every block fetches its parameters through the store ({@code Linear}, {@code RmsNorm}, {@code TokenEmbedding}),
 * so the embedding output, every matmul and the activations are in {@code computeType}; {@code RmsNorm}, attention's
 * softmax and the loss upcast to fp32 inside themselves. The copies are made inside the step's {@code NDScope}
 * (StepRunner, Evaluator), which frees them with the activations: 2 bytes per parameter during a step, no more.
 */
public final class MixedPrecisionStore extends ParameterStore {

    private final DataType computeType;

    /**
     * @param computeType the dtype of activations and matmuls ({@code BFLOAT16} on a GPU; tests use {@code FLOAT32}
     *     over {@code FLOAT64} masters, or {@code FLOAT16}, since DJL 0.35.1 aborts on CPU bf16 arrays)
     */
    public MixedPrecisionStore(NDManager manager, DataType computeType) {
        super(manager, false);
        this.computeType = computeType;
    }

    public DataType computeType() {
        return computeType;
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        NDArray master = super.getValue(parameter, device, training);
        if (master == null || master.getDataType() == computeType || !master.getDataType().isFloating()) { // null: no bias
            return master;
        }
        return Casts.differentiable(master, computeType); // backward returns the gradient in the master's dtype
    }
}
