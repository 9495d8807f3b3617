package dev.normlab.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Causal multi-head self-attention with rotary position embeddings (HF LLaMA, no biases, as many
 * key/value heads as query heads).
 *
 * <p>Attention itself is libtorch's fused causal {@code scaled_dot_product_attention} ({@link FusedOps}): no
 * (B, nh, T, T) scores are kept. The layer's intermediates live in a scope closed when it returns; under a gradient
 * collector the autograd graph keeps what backward needs, as in PyTorch eager.
 */
public final class SelfAttention extends AbstractBlock {

    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear oProj;
    private final int heads;
    private final int headDim;
    private final AttentionTables tables;
    private final FusedOps fused;

    SelfAttention(int hidden, int heads, AttentionTables tables, FusedOps fused) {
        this.heads = heads;
        this.headDim = hidden / heads;
        this.tables = tables;
        this.fused = fused;
        qProj = addChildBlock("q_proj", Projections.linear(hidden));
        kProj = addChildBlock("k_proj", Projections.linear(hidden));
        vProj = addChildBlock("v_proj", Projections.linear(hidden));
        oProj = addChildBlock("o_proj", Projections.linear(hidden));
    }

    public Linear qProj() {
        return qProj;
    }

    public Linear kProj() {
        return kProj;
    }

    public Linear vProj() {
        return vProj;
    }

    public Linear oProj() {
        return oProj;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
        NDArray x = in.singletonOrThrow(); // (B, T, C)
        Shape shape = x.getShape();
        long b = shape.get(0);
        long t = shape.get(1);
        try (NDManager scope = NDManager.subManagerOf(x)) {
            scope.tempAttachAll(x);
            Shape split = new Shape(b, t, heads, headDim);
            NDArray q = qProj.forward(ps, in, training).singletonOrThrow().reshape(split); // (B, T, nh, hd)
            NDArray k = kProj.forward(ps, in, training).singletonOrThrow().reshape(split);
            NDArray v = vProj.forward(ps, in, training).singletonOrThrow().reshape(split);
            AttentionTables.Rope rope = tables.rope(t, x.getDevice(), x.getDataType());
            q = rotate(q, rope.cos(), rope.sinSigned()).transpose(0, 2, 1, 3); // (B, nh, T, hd), views
            k = rotate(k, rope.cos(), rope.sinSigned()).transpose(0, 2, 1, 3);
            v = v.transpose(0, 2, 1, 3);
            // libtorch's causal flash attention reads the strided views and writes (B, T, nh, hd) memory: the
            // transpose back and the reshape below are views, not copies
            NDArray y = fused.causalAttention(q, k, v).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim);
            return scope.ret(oProj.forward(ps, new NDList(y), training));
        }
    }

    /** {@code x·cos + [x2, x1]·sinSigned}, i.e. HF's {@code x·cos + rotate_half(x)·sin}. */
    static NDArray rotate(NDArray x, NDArray cos, NDArray sinSigned) {
        NDList halves = x.split(2, 3); // (B, T, nh, hd): DJL needs a positive axis
        NDArray swapped = halves.get(1).concat(halves.get(0), 3);
        // in place on fresh intermediates: the backward of a product with a constant needs only the constant
        return x.mul(cos).addi(swapped.muli(sinSigned));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        return new Shape[] {in[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
        qProj.initialize(manager, dataType, in);
        kProj.initialize(manager, dataType, in);
        vProj.initialize(manager, dataType, in);
        oProj.initialize(manager, dataType, in);
    }
}
