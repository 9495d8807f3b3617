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

/** LLaMA's SwiGLU feed-forward: {@code down(silu(gate(x)) ⊙ up(x))}, no biases. */
public final class SwiGluMlp extends AbstractBlock {

    private final Linear gateProj;
    private final Linear upProj;
    private final Linear downProj;
    private final int intermediate;
    private final FusedOps fused;

    SwiGluMlp(int hidden, int intermediate, FusedOps fused) {
        this.intermediate = intermediate;
        this.fused = fused;
        gateProj = addChildBlock("gate_proj", Projections.linear(intermediate));
        upProj = addChildBlock("up_proj", Projections.linear(intermediate));
        downProj = addChildBlock("down_proj", Projections.linear(hidden));
    }

    public Linear gateProj() {
        return gateProj;
    }

    public Linear upProj() {
        return upProj;
    }

    public Linear downProj() {
        return downProj;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
        NDArray x = in.singletonOrThrow();
        try (NDManager scope = NDManager.subManagerOf(x)) {
            scope.tempAttachAll(x);
            NDArray gate = gateProj.forward(ps, in, training).singletonOrThrow(); // (B, T, I)
            NDArray up = upProj.forward(ps, in, training).singletonOrThrow(); // (B, T, I)
            NDArray inner = fused.siluGate(gate, up); // silu(gate) ⊙ up
            return scope.ret(downProj.forward(ps, new NDList(inner), training)); // (B, T, C)
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        return new Shape[] {in[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
        gateProj.initialize(manager, dataType, in);
        upProj.initialize(manager, dataType, in);
        downProj.initialize(manager, dataType, Projections.withLast(in[0], intermediate));
    }
}
