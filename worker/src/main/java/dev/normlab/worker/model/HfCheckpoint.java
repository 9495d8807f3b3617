package dev.normlab.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.normlab.api.model.ModelDims;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A HuggingFace LLaMA checkpoint directory: {@code config.json} + {@code model.safetensors} with
 * HF names and layouts, which {@code LlamaForCausalLM.from_pretrained(dir)} loads unchanged.
 */
public final class HfCheckpoint {

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** Large HF checkpoints are sharded: this index maps each tensor name to its shard file. */
    public static final String SHARD_INDEX_FILE = "model.safetensors.index.json";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // HF configs carry many more fields
            .build();

    private HfCheckpoint() {
    }

    /** Writes the model's config and weights (in the parameters' dtype) into {@code dir}. */
    public static void save(LlamaModel model, Path dir) throws IOException {
        Files.createDirectories(dir);
        HfLlamaConfig config = HfLlamaConfig.of(model, model.dataType());
        SafeTensors.write(model.hfStateDict(), Map.of("format", "pt"), dir.resolve(WEIGHTS_FILE));
        Files.write(dir.resolve(CONFIG_FILE), JSON.writeValueAsBytes(config));
    }

    /** The config of a checkpoint directory. */
    public static HfLlamaConfig readConfig(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG_FILE);
        if (!Files.exists(file)) {
            throw new IOException("not a HF checkpoint, missing " + file);
        }
        return JSON.readValue(file.toFile(), HfLlamaConfig.class);
    }

    /**
     * Loads a checkpoint into a new model initialized in {@code manager}: FLOAT64 if the checkpoint
     * is float64, else FLOAT32 (half-precision checkpoints are widened, so they load on CPU).
     */
    public static LlamaModel load(Path dir, NDManager manager) throws IOException {
        DataType stored = readConfig(dir).dataType();
        return load(dir, manager, stored == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32);
    }

    /** Loads a checkpoint into a new model with parameters of {@code dataType} (BFLOAT16: GPU only). */
    public static LlamaModel load(Path dir, NDManager manager, DataType dataType) throws IOException {
        HfLlamaConfig config = readConfig(dir);
        ModelDims dims = config.validatedDims();
        LlamaModel model = new LlamaModel(dims, config.maxPositionEmbeddings());
        model.initialize(manager, dataType, new Shape(1, 1));
        DataType readAs = dataType == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> state = new LinkedHashMap<>();
            for (Path file : weightFiles(dir)) {
                SafeTensors.read(file, scratch, readAs).forEach((name, array) -> {
                    // older transformers saved the RoPE frequencies as buffers; they are derived, not learned
                    if (!name.endsWith("rotary_emb.inv_freq")) {
                        state.put(name, array);
                    }
                });
            }
            model.loadHfStateDict(state);
        }
        return model;
    }

    /** {@code model.safetensors}, or the shards listed by {@code model.safetensors.index.json}. */
    static List<Path> weightFiles(Path dir) throws IOException {
        Path single = dir.resolve(WEIGHTS_FILE);
        Path index = dir.resolve(SHARD_INDEX_FILE);
        if (Files.exists(single) || !Files.exists(index)) {
            return List.of(single);
        }
        Set<String> shards = new LinkedHashSet<>();
        JSON.readTree(index.toFile()).path("weight_map").properties().forEach(e -> shards.add(e.getValue().asString()));
        if (shards.isEmpty()) {
            throw new IOException(index + ": weight_map is empty");
        }
        return shards.stream().map(dir::resolve).toList();
    }
}
