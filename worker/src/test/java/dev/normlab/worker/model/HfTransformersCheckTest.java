package dev.normlab.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.normlab.api.model.ModelDims;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The export against the real {@code transformers} {@code LlamaForCausalLM}, both ways: transformers loads
 * what {@link HfCheckpoint#save} wrote (no missing, unexpected or mismatched tensor; same logits), and
 * {@link HfCheckpoint#load} reads what transformers' {@code save_pretrained} wrote (same logits).
 *
 * <p>Runs where {@code NORMLAB_TRANSFORMERS_PYTHON} names a Python with torch and transformers (not a
 * project dependency; docs/training.md shows how it was set up here); skipped otherwise.
 */
class HfTransformersCheckTest {

    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    private String python;
    private Path script;

    @BeforeEach
    void findTransformers() throws Exception {
        python = System.getenv("NORMLAB_TRANSFORMERS_PYTHON");
        assumeTrue(python != null && !python.isBlank(), "NORMLAB_TRANSFORMERS_PYTHON is not set");
        Result probe = run(python, "-c", "import torch, transformers");
        assumeTrue(probe.exitCode() == 0, "no torch + transformers in " + python + ": " + probe.errors());
        script = dir.resolve("hf_transformers_check.py");
        try (InputStream in = getClass().getResourceAsStream("hf_transformers_check.py")) {
            Files.copy(in, script);
        }
    }

    @Test
    void transformersLoadsTheExportWithoutAnyKeyProblemAndAgreesOnLogits() throws Exception {
        Path checkpoint = dir.resolve("export");
        long[][] ids = TinyModels.randomTokens(2, 9, TinyModels.DIMS.vocab(), 78);
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = TinyModels.randomized(manager, TinyModels.DIMS, DataType.FLOAT32, 0.4, 62);
            HfCheckpoint.save(model, checkpoint);
            double[] djl = logits(model, manager, ids);

            JsonNode out = python("load", checkpoint, ids);
            assertThat(out.get("config").get("rms_norm_eps").asDouble()).isEqualTo(1e-6);
            assertThat(out.get("config").get("rope_theta").asDouble()).isEqualTo(LlamaModel.ROPE_THETA);
            assertThat(out.get("config").get("tie_word_embeddings").asBoolean()).isFalse();
            assertThat(TinyModels.maxAbsDifference(out.get("logits"), djl, ids, TinyModels.DIMS.vocab())).isLessThan(TOLERANCE);
        }
    }

    @Test
    void aCheckpointSavedByTransformersLoadsAndAgreesOnLogits() throws Exception {
        Path checkpoint = dir.resolve("saved-by-transformers");
        ModelDims dims = new ModelDims(16, 40, 4, 3, 31); // other dims than the export test: heads of 4
        long[][] ids = TinyModels.randomTokens(2, 11, dims.vocab(), 79);
        JsonNode out = python("save", checkpoint, ids, dims.hidden(), dims.intermediate(), dims.heads(),
                dims.layers(), dims.vocab(), 7);
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = HfCheckpoint.load(checkpoint, manager);
            assertThat(model.dims()).isEqualTo(dims);
            assertThat(TinyModels.maxAbsDifference(out.get("logits"), logits(model, manager, ids), ids, dims.vocab()))
                    .isLessThan(TOLERANCE);
        }
    }

    private JsonNode python(String mode, Path checkpoint, long[][] ids, Object... dimensions) throws Exception {
        List<String> command = new ArrayList<>(List.of(python, script.toString(), mode, checkpoint.toString(),
                Arrays.deepToString(ids)));
        Arrays.stream(dimensions).map(String::valueOf).forEach(command::add);
        Result result = run(command.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.errors()).isZero();
        return JsonMapper.builder().build().readTree(result.output());
    }

    private static double[] logits(LlamaModel model, NDManager manager, long[][] ids) {
        return TinyModels.logits(model, manager, TinyModels.tokens(manager, ids)).toType(DataType.FLOAT64, false)
                .toDoubleArray();
    }

    private record Result(int exitCode, String output, String errors) {
    }

    private Result run(String... command) throws IOException, InterruptedException {
        Path errors = Files.createTempFile(dir, "python", ".err");
        Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "", "timed out");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readString(errors));
    }
}
