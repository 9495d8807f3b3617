package dev.normlab.worker.model;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.normlab.api.model.ModelDims;
import java.util.List;
import java.util.Map;

/**
 * The {@code config.json} of a HuggingFace {@code LlamaForCausalLM} checkpoint: the LlamaConfig
 * fields transformers needs to rebuild this exact model (others keep transformers' defaults).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"architectures", "model_type", "hidden_size", "intermediate_size", "num_attention_heads",
        "num_key_value_heads", "num_hidden_layers", "vocab_size", "max_position_embeddings", "rms_norm_eps",
        "rope_theta", "rope_scaling", "hidden_act", "tie_word_embeddings", "attention_bias", "mlp_bias",
        "initializer_range", "torch_dtype", "dtype", "rope_parameters", "head_dim"})
public record HfLlamaConfig(
        @JsonProperty("architectures") List<String> architectures,
        @JsonProperty("model_type") String modelType,
        @JsonProperty("hidden_size") int hiddenSize,
        @JsonProperty("intermediate_size") int intermediateSize,
        @JsonProperty("num_attention_heads") int numAttentionHeads,
        @JsonProperty("num_key_value_heads") Integer numKeyValueHeads,
        @JsonProperty("num_hidden_layers") int numHiddenLayers,
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("max_position_embeddings") int maxPositionEmbeddings,
        @JsonProperty("rms_norm_eps") double rmsNormEps,
        @JsonProperty("rope_theta") Double ropeTheta,
        @JsonProperty("rope_scaling") Object ropeScaling,
        @JsonProperty("hidden_act") String hiddenAct,
        @JsonProperty("tie_word_embeddings") Boolean tieWordEmbeddings,
        @JsonProperty("attention_bias") Boolean attentionBias,
        @JsonProperty("mlp_bias") Boolean mlpBias,
        @JsonProperty("initializer_range") Double initializerRange,
        @JsonProperty("torch_dtype") String torchDtype,
        // read only, as transformers 5 writes them; the export keeps the transformers 4 names, which 5 reads too
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("dtype") String dtype,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("rope_parameters") Map<String, Object> ropeParameters,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("head_dim") Integer headDim) {

    /** The config describing {@code model} with parameters of {@code dataType}. */
    public static HfLlamaConfig of(LlamaModel model, DataType dataType) {
        ModelDims d = model.dims();
        return new HfLlamaConfig(List.of("LlamaForCausalLM"), "llama", d.hidden(), d.intermediate(), d.heads(),
                d.heads(), d.layers(), d.vocab(), model.maxPositions(), 1e-6, LlamaModel.ROPE_THETA, null, "silu",
                false, false, false, Projections.INIT_STD, torchDtype(dataType), null, null, null);
    }

    /**
     * The model dimensions, after checking that this config describes a model {@link LlamaModel}
     * computes exactly (errors name the config field).
     */
    public ModelDims validatedDims() {
        require(modelType == null || "llama".equals(modelType), "model_type", modelType, "llama");
        require(numKeyValueHeads == null || numKeyValueHeads == numAttentionHeads, "num_key_value_heads",
                numKeyValueHeads, "num_attention_heads=" + numAttentionHeads + " (no grouped-query attention)");
        require(Math.abs(rmsNormEps - 1e-6) < 1e-12, "rms_norm_eps", rmsNormEps, "1e-6");
        require(ropeTheta == null || ropeTheta == LlamaModel.ROPE_THETA, "rope_theta", ropeTheta, "10000");
        if (ropeParameters != null) { // transformers 5 writes the RoPE settings here instead
            Object type = ropeParameters.get("rope_type");
            require(type == null || "default".equals(type), "rope_parameters.rope_type", type, "default");
            Object theta = ropeParameters.get("rope_theta");
            require(theta == null || (theta instanceof Number n && n.doubleValue() == LlamaModel.ROPE_THETA),
                    "rope_parameters.rope_theta", theta, "10000");
        }
        require(headDim == null || numAttentionHeads > 0 && headDim * numAttentionHeads == hiddenSize, "head_dim",
                headDim, "hidden_size / num_attention_heads");
        require(ropeScaling == null, "rope_scaling", ropeScaling, "null");
        require(hiddenAct == null || "silu".equals(hiddenAct), "hidden_act", hiddenAct, "silu");
        require(!Boolean.TRUE.equals(tieWordEmbeddings), "tie_word_embeddings", tieWordEmbeddings, "false");
        require(!Boolean.TRUE.equals(attentionBias), "attention_bias", attentionBias, "false");
        require(!Boolean.TRUE.equals(mlpBias), "mlp_bias", mlpBias, "false");
        require(maxPositionEmbeddings > 0, "max_position_embeddings", maxPositionEmbeddings, "a positive count");
        try {
            return new ModelDims(hiddenSize, intermediateSize, numAttentionHeads, numHiddenLayers, vocabSize);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config.json: " + e.getMessage(), e);
        }
    }

    /** The DJL dtype named by {@code torch_dtype} (transformers 5: {@code dtype}); FLOAT32 when absent. */
    public DataType dataType() {
        String name = torchDtype != null ? torchDtype : dtype;
        if (name == null) {
            return DataType.FLOAT32;
        }
        return switch (name) {
            case "float32" -> DataType.FLOAT32;
            case "float64" -> DataType.FLOAT64;
            case "bfloat16" -> DataType.BFLOAT16;
            case "float16" -> DataType.FLOAT16;
            default -> throw new IllegalArgumentException("config.json: torch_dtype '" + name + "' is not supported");
        };
    }

    static String torchDtype(DataType type) {
        return switch (type) {
            case FLOAT32 -> "float32";
            case FLOAT64 -> "float64";
            case BFLOAT16 -> "bfloat16";
            case FLOAT16 -> "float16";
            default -> throw new IllegalArgumentException("no torch_dtype for " + type);
        };
    }

    private static void require(boolean ok, String field, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("config.json: " + field + "=" + value + " is not supported (expected "
                    + expected + ")");
        }
    }
}
