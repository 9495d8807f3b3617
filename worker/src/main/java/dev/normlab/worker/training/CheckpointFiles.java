package dev.normlab.worker.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.normlab.api.worker.FailureKind;
import dev.normlab.optim.RoutedOptimizer;
import dev.normlab.worker.model.LlamaModel;
import dev.normlab.worker.model.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The files of one checkpoint directory: {@code model.safetensors} (HuggingFace names), {@code optimizer.safetensors}
 * (the optimizer's {@code stateDict()}: each state array under its parameter's HF name and torch's state key) and
 * {@code state.json}.
 */
final class CheckpointFiles {

    static final String MODEL = "model.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";

    private final LlamaModel model;
    private final RoutedOptimizer optimizer;
    private final JsonMapper json;

    CheckpointFiles(LlamaModel model, RoutedOptimizer optimizer, JsonMapper json) {
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
            try {
                optimizer.loadStateDict(byParameterId(saved));
            } catch (IllegalArgumentException e) {
                throw new TrainingFailedException(FailureKind.INVALID_SPEC, "resume: " + dir.resolve(OPTIMIZER) + ": "
                        + e.getMessage() + " (another optimizer or model?)", e);
            }
        }
    }

    /** {@code <HF name>.<state key>} → array, as torch names a state entry of a parameter. */
    private Map<String, NDArray> optimizerState() {
        Map<String, Map<String, NDArray>> state = optimizer.stateDict();
        Map<String, NDArray> out = new LinkedHashMap<>();
        model.hfParameters().forEach((name, p) ->
                state.getOrDefault(p.getId(), Map.of()).forEach((key, array) -> out.put(name + "." + key, array)));
        return out;
    }

    /** The inverse of {@link #optimizerState()}: parameter id → state key → array. */
    private Map<String, Map<String, NDArray>> byParameterId(Map<String, NDArray> saved) {
        Map<String, NDArray> left = new LinkedHashMap<>(saved);
        Map<String, Map<String, NDArray>> state = new LinkedHashMap<>();
        model.hfParameters().forEach((name, p) -> {
            String prefix = name + ".";
            for (String entry : List.copyOf(left.keySet())) {
                if (entry.startsWith(prefix) && entry.indexOf('.', prefix.length()) < 0) {
                    state.computeIfAbsent(p.getId(), id -> new LinkedHashMap<>())
                            .put(entry.substring(prefix.length()), left.remove(entry));
                }
            }
        });
        if (!left.isEmpty()) {
            throw new IllegalArgumentException("state " + left.keySet().iterator().next() + " belongs to no parameter");
        }
        return state;
    }
}
