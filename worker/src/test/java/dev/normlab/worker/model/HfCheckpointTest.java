package dev.normlab.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.normlab.api.model.ModelDims;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class HfCheckpointTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void exportWritesHfNamesLayoutsAndConfigThatLoadBackToIdenticalLogits() throws IOException {
        ModelDims dims = TinyModels.DIMS;
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = TinyModels.randomized(manager, dims, DataType.FLOAT32, 0.3, 51);
            HfCheckpoint.save(model, dir);

            // the weights file, parsed independently of SafeTensors
            byte[] bytes = Files.readAllBytes(dir.resolve("model.safetensors"));
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            long n = buf.getLong();
            JsonNode header = JSON.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8).strip());
            List<String> names = new ArrayList<>();
            header.properties().forEach(e -> names.add(e.getKey()));
            // transformers refuses safetensors without format=pt metadata
            assertThat(names.remove("__metadata__")).isTrue();
            assertThat(header.get("__metadata__").get("format").asString()).isEqualTo("pt");
            assertThat(names).containsExactlyElementsOf(expectedHfNames(dims.layers()));
            int h = dims.hidden();
            int i = dims.intermediate();
            int v = dims.vocab();
            assertShape(header, "model.embed_tokens.weight", v, h);
            assertShape(header, "model.layers.1.self_attn.q_proj.weight", h, h);
            assertShape(header, "model.layers.0.mlp.gate_proj.weight", i, h);
            assertShape(header, "model.layers.0.mlp.up_proj.weight", i, h);
            assertShape(header, "model.layers.1.mlp.down_proj.weight", h, i);
            assertShape(header, "model.layers.0.input_layernorm.weight", h);
            assertShape(header, "model.norm.weight", h);
            assertShape(header, "lm_head.weight", v, h);
            // (out, in) row-major: element [r][c] of down_proj is W_down[r][c] of the model
            JsonNode down = header.get("model.layers.1.mlp.down_proj.weight");
            assertThat(down.get("dtype").asString()).isEqualTo("F32");
            long begin = down.get("data_offsets").get(0).asLong();
            float[] expected = model.hfStateDict().get("model.layers.1.mlp.down_proj.weight").toFloatArray();
            int r = 5;
            int c = 17;
            assertThat(buf.getFloat((int) (8 + n + begin + 4L * (r * i + c)))).isEqualTo(expected[r * i + c]);
            long total = 0;
            for (String name : names) {
                JsonNode offsets = header.get(name).get("data_offsets");
                assertThat(offsets.get(0).asLong()).as(name + " follows the previous tensor").isEqualTo(total);
                total = offsets.get(1).asLong();
            }
            assertThat(bytes.length).isEqualTo(8 + n + total);

            JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
            assertThat(config.get("architectures").get(0).asString()).isEqualTo("LlamaForCausalLM");
            assertThat(config.get("model_type").asString()).isEqualTo("llama");
            assertThat(config.get("hidden_size").asInt()).isEqualTo(h);
            assertThat(config.get("intermediate_size").asInt()).isEqualTo(i);
            assertThat(config.get("num_attention_heads").asInt()).isEqualTo(dims.heads());
            assertThat(config.get("num_key_value_heads").asInt()).isEqualTo(dims.heads());
            assertThat(config.get("num_hidden_layers").asInt()).isEqualTo(dims.layers());
            assertThat(config.get("vocab_size").asInt()).isEqualTo(v);
            assertThat(config.get("max_position_embeddings").asInt()).isEqualTo(LlamaModel.DEFAULT_MAX_POSITIONS);
            assertThat(config.get("rms_norm_eps").asDouble()).isEqualTo(1e-6);
            assertThat(config.get("rope_theta").asDouble()).isEqualTo(10000.0);
            assertThat(config.get("hidden_act").asString()).isEqualTo("silu");
            assertThat(config.get("tie_word_embeddings").asBoolean()).isFalse();
            assertThat(config.get("torch_dtype").asString()).isEqualTo("float32");
            assertThat(config.get("initializer_range").asDouble()).isEqualTo(0.02);

            LlamaModel loaded = HfCheckpoint.load(dir, manager);
            assertThat(loaded.dims()).isEqualTo(dims);
            assertThat(loaded.dataType()).isEqualTo(DataType.FLOAT32);
            NDArray tokens = TinyModels.tokens(manager, TinyModels.randomTokens(2, 7, v, 8));
            assertThat(TinyModels.logits(loaded, manager, tokens).contentEquals(TinyModels.logits(model, manager, tokens)))
                    .isTrue();
            // a fresh model (other init) does differ: the round trip carried the weights
            LlamaModel fresh = new LlamaModel(dims);
            fresh.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
            assertThat(TinyModels.logits(fresh, manager, tokens).contentEquals(TinyModels.logits(model, manager, tokens)))
                    .isFalse();
        }
    }

    @Test
    void fp64ModelsExportAsFloat64AndLoadBackInFloat64() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = TinyModels.randomized(manager, TinyModels.DIMS, DataType.FLOAT64, 0.3, 52);
            HfCheckpoint.save(model, dir);
            assertThat(HfCheckpoint.readConfig(dir).torchDtype()).isEqualTo("float64");
            LlamaModel loaded = HfCheckpoint.load(dir, manager);
            assertThat(loaded.dataType()).isEqualTo(DataType.FLOAT64);
            Map<String, NDArray> a = model.hfStateDict();
            loaded.hfStateDict().forEach((name, w) -> assertThat(w.contentEquals(a.get(name))).as(name).isTrue());
        }
    }

    @Test
    void shardedCheckpointsWithLegacyRopeBuffersLoadLikeTheSingleFile() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = TinyModels.randomized(manager, TinyModels.DIMS, DataType.FLOAT32, 0.3, 54);
            HfCheckpoint.save(model, dir);
            // re-shard as transformers does for large models: two files plus an index naming each tensor's file
            Map<String, NDArray> state = model.hfStateDict();
            Map<String, NDArray> first = new java.util.LinkedHashMap<>();
            Map<String, NDArray> second = new java.util.LinkedHashMap<>();
            StringBuilder weightMap = new StringBuilder();
            int k = 0;
            for (Map.Entry<String, NDArray> e : state.entrySet()) {
                String shard = k++ < state.size() / 2 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
                (shard.contains("00001-of") ? first : second).put(e.getKey(), e.getValue());
                weightMap.append(weightMap.length() == 0 ? "" : ",").append('"').append(e.getKey()).append("\":\"")
                        .append(shard).append('"');
            }
            second.put("model.layers.0.self_attn.rotary_emb.inv_freq", manager.ones(new Shape(4)));
            SafeTensors.write(first, Map.of("format", "pt"), dir.resolve("model-00001-of-00002.safetensors"));
            SafeTensors.write(second, Map.of("format", "pt"), dir.resolve("model-00002-of-00002.safetensors"));
            Files.writeString(dir.resolve("model.safetensors.index.json"),
                    "{\"metadata\":{},\"weight_map\":{" + weightMap + "}}");
            Files.delete(dir.resolve("model.safetensors"));

            LlamaModel loaded = HfCheckpoint.load(dir, manager);
            loaded.hfStateDict().forEach((name, w) -> assertThat(w.contentEquals(state.get(name))).as(name).isTrue());
        }
    }

    @Test
    void configsThisModelCannotComputeAreRejectedNamingTheField() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = TinyModels.randomized(manager, TinyModels.DIMS, DataType.FLOAT32, 0.3, 53);
            HfCheckpoint.save(model, dir);
            Path config = dir.resolve("config.json");
            String json = Files.readString(config);
            Files.writeString(config, json.replaceFirst("\"num_key_value_heads\" : 2", "\"num_key_value_heads\" : 1"));
            assertThatThrownBy(() -> HfCheckpoint.load(dir, manager)).hasMessageContaining("num_key_value_heads=1");
            Files.writeString(config, json.replaceFirst("\"rope_theta\" : 10000.0", "\"rope_theta\" : 500000.0"));
            assertThatThrownBy(() -> HfCheckpoint.load(dir, manager)).hasMessageContaining("rope_theta=500000.0");
            // transformers 5 spells RoPE, dtype and head size its own way
            String v5 = json.replaceFirst("\"rope_theta\" : 10000.0", "\"rope_parameters\" : {\"rope_theta\" : 500000.0}");
            Files.writeString(config, v5);
            assertThatThrownBy(() -> HfCheckpoint.load(dir, manager))
                    .hasMessageContaining("rope_parameters.rope_theta=500000.0");
            Files.writeString(config, v5.replace("500000.0", "10000.0").replaceFirst("\\{", "{\"head_dim\" : 4, "));
            assertThatThrownBy(() -> HfCheckpoint.load(dir, manager)).hasMessageContaining("head_dim=4");
            Files.writeString(config, v5.replace("500000.0", "10000.0").replace("\"torch_dtype\"", "\"dtype\"")
                    .replace("\"float32\"", "\"float64\""));
            assertThat(HfCheckpoint.readConfig(dir).dataType()).isEqualTo(DataType.FLOAT64);
        }
    }

    private static void assertShape(JsonNode header, String name, long... shape) {
        JsonNode s = header.get(name).get("shape");
        assertThat(s.size()).as(name).isEqualTo(shape.length);
        for (int k = 0; k < shape.length; k++) {
            assertThat(s.get(k).asLong()).as(name + " dim " + k).isEqualTo(shape[k]);
        }
    }

    static List<String> expectedHfNames(int layers) {
        List<String> names = new ArrayList<>();
        names.add("model.embed_tokens.weight");
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            for (String s : List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                    "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj", "input_layernorm", "post_attention_layernorm")) {
                names.add(p + s + ".weight");
            }
        }
        names.add("model.norm.weight");
        names.add("lm_head.weight");
        return names;
    }
}
