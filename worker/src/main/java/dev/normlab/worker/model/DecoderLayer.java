package dev.normlab.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** One pre-norm LLaMA block: {@code h = x + attn(norm(x)); out = h + mlp(norm(h))}. */
public final class DecoderLayer extends AbstractBlock {

    private final SelfAttention selfAttn;
    private final SwiGluMlp mlp;
    private final RmsNorm inputLayernorm;
    private final RmsNorm postAttentionLayernorm;

    DecoderLayer(int hidden, int intermediate, int heads, float eps, AttentionTables tables, FusedOps fused) {
        // HF's named_parameters order: self_attn, mlp, input_layernorm, post_attention_layernorm
        selfAttn = addChildBlock("self_attn", new SelfAttention(hidden, heads, tables, fused));
        mlp = addChildBlock("mlp", new SwiGluMlp(hidden, intermediate, fused));
        inputLayernorm = addChildBlock("input_layernorm", new RmsNorm(eps));
        postAttentionLayernorm = addChildBlock("post_attention_layernorm", new RmsNorm(eps));
    }

    public SelfAttention selfAttn() {
        return selfAttn;
    }

    public SwiGluMlp mlp() {
        return mlp;
    }

    public RmsNorm inputLayernorm() {
        return inputLayernorm;
    }

    public RmsNorm postAttentionLayernorm() {
        return postAttentionLayernorm;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
        NDArray x = in.singletonOrThrow(); // (B, T, C)
        try (NDManager scope = NDManager.subManagerOf(x)) {
            scope.tempAttachAll(x);
            NDList attnIn = inputLayernorm.forward(ps, in, training);
            NDArray h = x.add(selfAttn.forward(ps, attnIn, training).singletonOrThrow());
            NDList mlpIn = postAttentionLayernorm.forward(ps, new NDList(h), training);
            return new NDList(scope.ret(h.add(mlp.forward(ps, mlpIn, training).singletonOrThrow())));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        return new Shape[] {in[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
        selfAttn.initialize(manager, dataType, in);
        mlp.initialize(manager, dataType, in);
        inputLayernorm.initialize(manager, dataType, in);
        postAttentionLayernorm.initialize(manager, dataType, in);
    }
}
