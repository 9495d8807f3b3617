package dev.normlab.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.normlab.api.model.ModelDims;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
            Map<String, NDArray> state = SafeTensors.read(dir.resolve(WEIGHTS_FILE), scratch, readAs);
            model.loadHfStateDict(state);
        }
        return model;
    }
}
