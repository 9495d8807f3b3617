package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A LLaMA-shaped toy with the NormLab child names (embed_tokens, layers/decoder_layer/self_attn
 * q,k,v,o + mlp gate,up,down + two norms, final norm, lm_head) and a real, small forward:
 * (B, in) → (B, out). Enough to exercise routing, stacking and convergence.
 */
final class MiniLlama extends AbstractBlock {

    private final int hidden;

    MiniLlama(int hidden, int intermediate, int layers, int out) {
        this.hidden = hidden;
        addChildBlock("embed_tokens", linear(hidden));
        addChildBlock("layers", new Layers(layers, hidden, intermediate));
        addChildBlock("norm", new Gain());
        addChildBlock("lm_head", linear(out));
    }

    static Linear linear(int units) {
        return Linear.builder().setUnits(units).optBias(false).build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
        NDList x = in;
        for (Block child : children.values()) {
            x = child.forward(ps, x, training);
        }
        return x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        Shape[] s = in;
        for (Block child : children.values()) {
            s = child.getOutputShapes(s);
        }
        return s;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
        Shape[] s = in;
        for (Block child : children.values()) {
            child.initialize(manager, dataType, s);
            s = child.getOutputShapes(s);
        }
    }

    /** The decoder layers, each child named decoder_layer (DJL's index keeps paths unique). */
    static final class Layers extends AbstractBlock {
        Layers(int layers, int hidden, int intermediate) {
            for (int i = 0; i < layers; i++) {
                addChildBlock("decoder_layer", new DecoderLayer(hidden, intermediate));
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            NDList x = in;
            for (Block child : children.values()) {
                x = child.forward(ps, x, training);
            }
            return x;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] in) {
            return in;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
            for (Block child : children.values()) {
                child.initialize(manager, dataType, in);
            }
        }
    }

    /** x + attn(norm(x)), then + mlp(norm(·)). */
    static final class DecoderLayer extends AbstractBlock {
        private final Block attn;
        private final Block mlp;
        private final Block inputNorm;
        private final Block postNorm;

        DecoderLayer(int hidden, int intermediate) {
            attn = addChildBlock("self_attn", new Attn(hidden));
            mlp = addChildBlock("mlp", new Mlp(hidden, intermediate));
            inputNorm = addChildBlock("input_layernorm", new Gain());
            postNorm = addChildBlock("post_attention_layernorm", new Gain());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            NDArray x = in.singletonOrThrow();
            NDArray h = x.add(attn.forward(ps, inputNorm.forward(ps, in, training), training).singletonOrThrow());
            NDList hl = new NDList(h);
            return new NDList(h.add(mlp.forward(ps, postNorm.forward(ps, hl, training), training).singletonOrThrow()));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] in) {
            return in;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
            for (Block child : children.values()) {
                child.initialize(manager, dataType, in);
            }
        }
    }

    /** A gated stand-in for attention with the four projections: o(v(x) ⊙ sigmoid(q(x) + k(x))). */
    static final class Attn extends AbstractBlock {
        private final List<Block> qkvo = new ArrayList<>();

        Attn(int hidden) {
            for (String name : List.of("q_proj", "k_proj", "v_proj", "o_proj")) {
                qkvo.add(addChildBlock(name, linear(hidden)));
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            NDArray q = qkvo.get(0).forward(ps, in, training).singletonOrThrow();
            NDArray k = qkvo.get(1).forward(ps, in, training).singletonOrThrow();
            NDArray v = qkvo.get(2).forward(ps, in, training).singletonOrThrow();
            return qkvo.get(3).forward(ps, new NDList(v.mul(Activation.sigmoid(q.add(k)))), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] in) {
            return in;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
            for (Block child : qkvo) {
                child.initialize(manager, dataType, in);
            }
        }
    }

    /** SwiGLU: down(silu(gate(x)) ⊙ up(x)). */
    static final class Mlp extends AbstractBlock {
        private final Block gate;
        private final Block up;
        private final Block down;
        private final int intermediate;

        Mlp(int hidden, int intermediate) {
            this.intermediate = intermediate;
            gate = addChildBlock("gate_proj", linear(intermediate));
            up = addChildBlock("up_proj", linear(intermediate));
            down = addChildBlock("down_proj", linear(hidden));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            NDArray g = gate.forward(ps, in, training).singletonOrThrow();
            NDArray u = up.forward(ps, in, training).singletonOrThrow();
            return down.forward(ps, new NDList(g.mul(Activation.sigmoid(g)).mul(u)), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] in) {
            return in;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
            gate.initialize(manager, dataType, in);
            up.initialize(manager, dataType, in);
            Shape inner = new Shape(in[0].get(0), intermediate);
            down.initialize(manager, dataType, inner);
        }
    }

    /** RMSNorm with a gain (GAMMA: starts at ones). */
    static final class Gain extends AbstractBlock {
        private final Parameter gain;

        Gain() {
            gain = addParameter(Parameter.builder().setName("gain").setType(Parameter.Type.GAMMA).build());
        }

        @Override
        public void prepare(Shape[] in) {
            gain.setShape(new Shape(in[0].tail()));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] in) {
            return in;
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            NDArray x = in.singletonOrThrow();
            NDArray g = ps.getValue(gain, x.getDevice(), training);
            NDArray rms = x.square().mean(new int[] {-1}, true).add(1e-6f).sqrt();
            return new NDList(x.div(rms).mul(g));
        }
    }

    int hidden() {
        return hidden;
    }
}
