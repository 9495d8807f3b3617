import dev.normlab.api.memory.MemoryModel;
import dev.normlab.api.memory.OptimizerKind;
import dev.normlab.api.spec.RunSpec;
import dev.normlab.worker.data.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * bench/gpu-smoke.sh's table: one row per run folder ({@code <out>/<optimizer>-<precision>} with {@code spec.json}
 * and the trainer's {@code summary.json}). Fails (exit 1) when a run has no measured peak device memory, i.e. did
 * not train on a GPU. Run with the worker jar on the class path:
 * {@code java -cp worker/target/normlab-worker-gpu.jar bench/GpuSmokeTable.java DIR...}
 */
public final class GpuSmokeTable {

    private static final double MIB = 1 << 20;

    public static void main(String[] args) throws Exception {
        JsonMapper json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        List<String> problems = new ArrayList<>();
        System.out.println("| run | precision | tokens/s | peak device MiB | optimizer state MiB (measured) "
                + "| optimizer state MiB (analytic) | weights + grads MiB | final loss |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        for (String arg : args) {
            Path dir = Path.of(arg);
            RunSpec spec = json.readValue(dir.resolve("spec.json").toFile(), RunSpec.class);
            Path summaryFile = dir.resolve("summary.json");
            if (!Files.exists(summaryFile)) {
                problems.add(dir + ": no summary.json (the run failed; see its log)");
                continue;
            }
            JsonNode summary = json.readTree(summaryFile.toFile());
            JsonNode memory = summary.path("memory");
            long state = memory.path("optimizerStateBytes").asLong();
            long analytic = MemoryModel.estimate(spec.modelDims(Tokenizers.forId(spec.tokenizer()).vocabSize()),
                    OptimizerKind.byId(spec.optimizer().name()).orElseThrow(), spec.precisionKind()).stateBytes();
            JsonNode peak = memory.path("peakDeviceBytes");
            if (!peak.isNumber() || peak.asLong() <= 0) {
                problems.add(dir + ": no peak device memory measured: it did not train on a GPU");
            }
            if (state != analytic) {
                problems.add(String.format(Locale.ROOT, "%s: optimizer state %d B measured, %d B analytic", dir, state, analytic));
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %s | %.1f | %.1f | %.1f | %.4f |%n",
                    spec.optimizer().name(), spec.precision(), summary.path("tokensPerSecond").asDouble(),
                    peak.isNumber() ? String.format(Locale.ROOT, "%,.0f", peak.asLong() / MIB) : "-",
                    state / MIB, analytic / MIB,
                    (memory.path("weightBytes").asLong() + memory.path("gradientBytes").asLong()) / MIB,
                    summary.path("finalLoss").asDouble());
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("gpu-smoke: " + p));
            System.exit(1);
        }
    }
}
