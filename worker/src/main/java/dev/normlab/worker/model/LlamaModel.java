package dev.normlab.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.normlab.api.model.ModelDims;
import dev.normlab.api.model.ParameterCounts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LLaMA decoder of the GaLore/SWAN/SinkGD harness (HuggingFace {@code LlamaForCausalLM}):
 * token embedding, N × [RMSNorm → causal self-attention with RoPE → residual → RMSNorm → SwiGLU
 * → residual], final RMSNorm, untied LM head. Input INT64 tokens (B, T); output logits (B, T, V)
 * in the parameters' dtype.
 *
 * <p>Child names follow HF ({@code embed_tokens}, {@code layers}, {@code self_attn.q_proj}, …,
 * {@code norm}, {@code lm_head}) so {@code ParameterRouter.llamaDefaults()} routes every
 * parameter by name, and {@link #hfStateDict()} maps them to HF checkpoint names.
 *
 * <p>Init as the reference: weights N(0, 0.02²), gains 1. The draws come from the engine's RNG,
 * so call {@code Engine.getInstance().setRandomSeed(seed)} before {@code initialize} for a
 * reproducible model. Initialize with {@code DataType.FLOAT32} (CPU/GPU), {@code FLOAT64} (tests)
 * or {@code BFLOAT16} (GPU only: DJL 0.35.1 crashes on CPU bf16 arrays).
 */
public final class LlamaModel extends AbstractBlock {

    /** HF LLaMA's {@code rms_norm_eps} of the harness. */
    public static final float RMS_NORM_EPS = 1e-6f;
    /** HF LLaMA's {@code rope_theta}. */
    public static final double ROPE_THETA = 10_000.0;
    /** {@code max_position_embeddings} of the GaLore configs; the longest sequence accepted. */
    public static final int DEFAULT_MAX_POSITIONS = 1024;

    private final ModelDims dims;
    private final int maxPositions;
    private final TokenEmbedding embedTokens;
    private final DecoderStack layers;
    private final RmsNorm norm;
    private final Linear lmHead;
    private final AttentionTables tables;
    private final FusedOps fused = new FusedOps();

    public LlamaModel(ModelDims dims) {
        this(dims, DEFAULT_MAX_POSITIONS);
    }

    public LlamaModel(ModelDims dims, int maxPositions) {
        if (!dims.isHeadDimensionIntegral()) {
            throw new IllegalArgumentException("hidden must be divisible by heads: hidden=" + dims.hidden()
                    + ", heads=" + dims.heads());
        }
        if (dims.headDim() % 2 != 0) {
            throw new IllegalArgumentException("hidden/heads must be even for RoPE: headDim=" + dims.headDim());
        }
        if (maxPositions <= 0) {
            throw new IllegalArgumentException("maxPositions must be positive: maxPositions=" + maxPositions);
        }
        this.dims = dims;
        this.maxPositions = maxPositions;
        this.tables = new AttentionTables(dims.headDim(), ROPE_THETA);
        List<DecoderLayer> decoderLayers = new ArrayList<>();
        for (int i = 0; i < dims.layers(); i++) {
            decoderLayers.add(new DecoderLayer(dims.hidden(), dims.intermediate(), dims.heads(), RMS_NORM_EPS, tables, fused));
        }
        embedTokens = addChildBlock("embed_tokens", new TokenEmbedding(dims.vocab(), dims.hidden()));
        layers = addChildBlock("layers", new DecoderStack(decoderLayers));
        norm = addChildBlock("norm", new RmsNorm(RMS_NORM_EPS));
        lmHead = addChildBlock("lm_head", Projections.linear(dims.vocab()));
    }

    public ModelDims dims() {
        return dims;
    }

    public int maxPositions() {
        return maxPositions;
    }

    public List<DecoderLayer> decoderLayers() {
        return layers.layers();
    }

    public TokenEmbedding embedTokens() {
        return embedTokens;
    }

    public RmsNorm norm() {
        return norm;
    }

    public Linear lmHead() {
        return lmHead;
    }

    /**
     * Sets every parameter's shape without allocating arrays, so the parameters of even the 7B
     * preset can be listed and counted. Before {@code initialize} only.
     */
    public void declareParameterShapes() {
        Shape[] hidden = {new Shape(1, 1, dims.hidden())};
        Shape[] inner = {new Shape(1, 1, dims.intermediate())};
        embedTokens.prepare(new Shape[] {new Shape(1, 1)});
        for (DecoderLayer layer : layers.layers()) {
            for (Linear l : List.of(layer.selfAttn().qProj(), layer.selfAttn().kProj(), layer.selfAttn().vProj(),
                    layer.selfAttn().oProj(), layer.mlp().gateProj(), layer.mlp().upProj())) {
                l.prepare(hidden);
            }
            layer.mlp().downProj().prepare(inner);
            layer.inputLayernorm().prepare(hidden);
            layer.postAttentionLayernorm().prepare(hidden);
        }
        norm.prepare(hidden);
        lmHead.prepare(hidden);
    }

    /** The parameters' dtype (after initialize). */
    public DataType dataType() {
        return embedTokens.weight().getArray().getDataType();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
        NDArray tokens = in.singletonOrThrow();
        Shape shape = tokens.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("tokens must be (batch, seq): shape=" + shape);
        }
        if (tokens.getDataType() != DataType.INT64) {
            throw new IllegalArgumentException("tokens must be INT64: dataType=" + tokens.getDataType());
        }
        if (shape.get(1) > maxPositions) {
            throw new IllegalArgumentException("seq must be at most maxPositions=" + maxPositions + ": seq=" + shape.get(1));
        }
        NDList x = embedTokens.forward(ps, in, training); // (B, T, C)
        x = layers.forward(ps, x, training);
        x = norm.forward(ps, x, training);
        return lmHead.forward(ps, x, training); // (B, T, V)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        return new Shape[] {in[0].add(dims.vocab())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
        tables.open(manager);
        fused.open(manager);
        Shape hidden = in[0].add(dims.hidden());
        embedTokens.initialize(manager, dataType, in);
        layers.initialize(manager, dataType, hidden);
        norm.initialize(manager, dataType, hidden);
        lmHead.initialize(manager, dataType, hidden);
    }

    /**
     * The parameters under their HuggingFace names, in HF's order, with HF layouts (the same
     * arrays, not copies).
     */
    public Map<String, Parameter> hfParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        out.put("model.embed_tokens.weight", embedTokens.weight());
        List<DecoderLayer> all = layers.layers();
        for (int i = 0; i < all.size(); i++) {
            DecoderLayer layer = all.get(i);
            String p = "model.layers." + i + ".";
            out.put(p + "self_attn.q_proj.weight", weightOf(layer.selfAttn().qProj()));
            out.put(p + "self_attn.k_proj.weight", weightOf(layer.selfAttn().kProj()));
            out.put(p + "self_attn.v_proj.weight", weightOf(layer.selfAttn().vProj()));
            out.put(p + "self_attn.o_proj.weight", weightOf(layer.selfAttn().oProj()));
            out.put(p + "mlp.gate_proj.weight", weightOf(layer.mlp().gateProj()));
            out.put(p + "mlp.up_proj.weight", weightOf(layer.mlp().upProj()));
            out.put(p + "mlp.down_proj.weight", weightOf(layer.mlp().downProj()));
            out.put(p + "input_layernorm.weight", layer.inputLayernorm().weight());
            out.put(p + "post_attention_layernorm.weight", layer.postAttentionLayernorm().weight());
        }
        out.put("model.norm.weight", norm.weight());
        out.put("lm_head.weight", weightOf(lmHead));
        return out;
    }

    /** HF name → the live parameter array (not a copy: close nothing, copy before mutating). */
    public Map<String, NDArray> hfStateDict() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        hfParameters().forEach((name, p) -> out.put(name, p.getArray()));
        return out;
    }

    /**
     * Copies HF-named arrays into this initialized model, converting to the parameters' dtype.
     * Every parameter must be present with its exact shape; unknown names are rejected.
     */
    public void loadHfStateDict(Map<String, NDArray> state) {
        Map<String, Parameter> params = hfParameters();
        for (String name : state.keySet()) {
            if (!params.containsKey(name)) {
                throw new IllegalArgumentException("unknown parameter in state dict: " + name);
            }
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray src = state.get(e.getKey());
            if (src == null) {
                throw new IllegalArgumentException("missing parameter in state dict: " + e.getKey());
            }
            NDArray dst = e.getValue().getArray();
            if (!src.getShape().equals(dst.getShape())) {
                throw new IllegalArgumentException(e.getKey() + ": shape " + src.getShape()
                        + " does not match the model's " + dst.getShape());
            }
            if (src.getDataType() == dst.getDataType()) {
                dst.set(src.toByteBuffer());
            } else {
                try (NDArray cast = src.toType(dst.getDataType(), true)) {
                    dst.set(cast.toByteBuffer());
                }
            }
        }
    }

    /**
     * Parameters per group counted from the real parameter shapes (known after {@code initialize}
     * or {@link #declareParameterShapes()}), grouped by HF name.
     */
    public ParameterCounts countParameters() {
        long hidden = 0;
        long embedding = 0;
        long head = 0;
        long gains = 0;
        for (Map.Entry<String, Parameter> e : hfParameters().entrySet()) {
            Shape shape = e.getValue().getShape();
            if (shape == null) {
                throw new IllegalStateException("parameter shapes unknown: initialize or declareParameterShapes first");
            }
            long size = shape.size();
            String name = e.getKey();
            if (name.equals("model.embed_tokens.weight")) {
                embedding += size;
            } else if (name.equals("lm_head.weight")) {
                head += size;
            } else if (shape.dimension() == 1) {
                gains += size;
            } else {
                hidden += size;
            }
        }
        return new ParameterCounts(hidden, embedding, head, gains);
    }

    /**
     * A few lines for the run log: dimensions and parameters per group, counted from the real
     * shapes when known, else from the formula ({@link ModelDims#parameterCounts()}).
     */
    public String describe() {
        boolean shapesKnown = embedTokens.weight().getShape() != null;
        ParameterCounts c = shapesKnown ? countParameters() : dims.parameterCounts();
        return String.format("LLaMA hidden=%d intermediate=%d heads=%d layers=%d vocab=%d maxPositions=%d%n"
                        + "  parameters (%s): hidden matrices %,d | embedding %,d | lm_head %,d | gains %,d | total %,d",
                dims.hidden(), dims.intermediate(), dims.heads(), dims.layers(), dims.vocab(), maxPositions,
                shapesKnown ? "counted" : "formula", c.hiddenMatrices(), c.embedding(), c.head(), c.gains(), c.total());
    }

    static Parameter weightOf(Linear linear) {
        return linear.getParameters().get("weight");
    }
}
