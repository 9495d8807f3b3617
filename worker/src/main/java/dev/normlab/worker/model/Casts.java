package dev.normlab.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * A dtype cast autograd records. DJL 0.35.1's {@code NDArray.toType} is not one: its native {@code torchTo} runs
 * under {@code torch::NoGradGuard}, so a {@code toType} inside a differentiable forward cuts the graph (backward:
 * "element 0 of tensors does not require grad"). An in-place add into zeros of the target type is recorded
 * ({@code torchAddi} is a plain {@code add_}); its backward hands the gradient back in the input's dtype.
 */
public final class Casts {

    private Casts() {
    }

    /** {@code x} in {@code type}, differentiable; {@code x} itself when it already is. Costs one fill and one add. */
    public static NDArray differentiable(NDArray x, DataType type) {
        if (x.getDataType() == type) {
            return x;
        }
        return x.getManager().zeros(x.getShape(), type, x.getDevice()).addi(x);
    }
}
