package dev.normlab.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * RMSNorm as in HuggingFace LLaMA: {@code weight * (x / sqrt(mean(x²) + eps))}, statistics in at
 * least fp32 (a bf16 input is upcast, the normalized value cast back before the gain).
 */
public final class RmsNorm extends AbstractBlock {

    private final Parameter weight; // GAMMA: starts at ones, routed as a GAIN
    private final float eps;

    public RmsNorm(float eps) {
        this.eps = eps;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA).build());
    }

    public Parameter weight() {
        return weight;
    }

    @Override
    public void prepare(Shape[] in) {
        weight.setShape(new Shape(in[0].tail()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        return new Shape[] {in[0]};
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
        NDArray x = in.singletonOrThrow();
        NDArray g = ps.getValue(weight, x.getDevice(), training);
        try (NDManager scope = NDManager.subManagerOf(x)) {
            scope.tempAttachAll(x);
            DataType type = x.getDataType();
            NDArray xs = isHalf(type) ? Casts.differentiable(x, DataType.FLOAT32) : x;
            NDArray meanSquare = xs.square().mean(new int[] {-1}, true); // (B, T, 1)
            // eps and the exponent as engine-allocated scalars, not DJL's add(Number)/pow(Number): those wrap a
            // JVM direct buffer that is freed by the GC once DJL closes it, while autograd keeps pow's exponent for
            // backward, so gradients read freed memory (runs drift apart or turn NaN, depending on GC timing)
            NDArray epsScalar = scope.full(new Shape(), eps, meanSquare.getDataType());
            NDArray minusHalf = scope.full(new Shape(), -0.5f, meanSquare.getDataType());
            NDArray inv = meanSquare.add(epsScalar).pow(minusHalf);
            NDArray normed = xs.mul(inv);
            normed = Casts.differentiable(normed, type);
            return new NDList(scope.ret(normed.mul(g)));
        }
    }

    static boolean isHalf(DataType type) {
        return type == DataType.BFLOAT16 || type == DataType.FLOAT16;
    }
}
