package dev.normlab.worker.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.normlab.api.worker.FailureKind;
import dev.normlab.optim.Sgd;
import dev.normlab.worker.model.LlamaModel;
import dev.normlab.worker.model.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The files of one checkpoint directory: {@code model.safetensors} (HuggingFace names), {@code optimizer.safetensors}
 * (each state array under its parameter's HF name and torch's state key) and {@code state.json}.
 */
final class CheckpointFiles {

    static final String MODEL = "model.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";

    private static final List<String> ADAMW_KEYS = List.of("exp_avg", "exp_avg_sq");
    private static final List<String> SGD_KEYS = List.of("momentum_buffer");

    private final LlamaModel model;
    private final OptimizerFactory.BuiltOptimizer optimizer;
    private final JsonMapper json;

    CheckpointFiles(LlamaModel model, OptimizerFactory.BuiltOptimizer optimizer, JsonMapper json) {
        this.model = model;
        this.optimizer = optimizer;
        this.json = json;
    }

    void write(Path dir, TrainingState state) throws IOException {
        SafeTensors.write(model.hfStateDict(), dir.resolve(MODEL));
        SafeTensors.write(optimizerState(), dir.resolve(OPTIMIZER));
        json.writeValue(dir.resolve(TrainingState.FILE).toFile(), state);
    }

    static TrainingState readState(Path dir, JsonMapper json) {
        Path file = dir.resolve(TrainingState.FILE);
        if (!Files.isRegularFile(file)) {
            throw new TrainingFailedException(FailureKind.INVALID_SPEC,
                    "resume: " + dir + " is not a checkpoint (no " + TrainingState.FILE + ")");
        }
        return json.readValue(file.toFile(), TrainingState.class);
    }

    /** Copies the checkpoint's weights and optimizer state into the live arrays. */
    void restore(Path dir, NDManager manager) throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            model.loadHfStateDict(SafeTensors.read(dir.resolve(MODEL), scope));
            Map<String, NDArray> saved = SafeTensors.read(dir.resolve(OPTIMIZER), scope);
            allocateMomentum(saved);
            forEachState((key, live) -> {
                NDArray value = saved.get(key);
                if (value == null || !value.getShape().equals(live.getShape())) {
                    throw new TrainingFailedException(FailureKind.INVALID_SPEC, "resume: " + dir.resolve(OPTIMIZER)
                            + " has no state " + key + " of shape " + live.getShape() + " (another optimizer or model?)");
                }
                live.set(value.toType(live.getDataType(), false).toByteBuffer());
            });
        }
    }

    // SGD makes its momentum buffers on the first update; the saved ones need live arrays to go into
    private void allocateMomentum(Map<String, NDArray> saved) {
        if (optimizer.hiddenRule() instanceof Sgd sgd) {
            model.hfParameters().forEach((name, p) -> {
                if (saved.containsKey(name + "." + SGD_KEYS.get(0))) {
                    sgd.allocate(p.getId(), p.getArray());
                }
            });
        }
    }

    private Map<String, NDArray> optimizerState() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        forEachState(out::put);
        return out;
    }

    private void forEachState(BiConsumer<String, NDArray> action) {
        for (Map.Entry<String, Parameter> e : model.hfParameters().entrySet()) {
            String id = e.getValue().getId();
            NDList adam = optimizer.adamW().state(id);
            for (int i = 0; i < adam.size(); i++) {
                action.accept(e.getKey() + "." + ADAMW_KEYS.get(i), adam.get(i));
            }
            if (optimizer.hiddenRule() instanceof Sgd sgd) {
                NDList momentum = sgd.state(id);
                for (int i = 0; i < momentum.size(); i++) {
                    action.accept(e.getKey() + "." + SGD_KEYS.get(i), momentum.get(i));
                }
            }
        }
    }
}
