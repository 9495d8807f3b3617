package dev.normlab.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The export read by PyTorch: hf_llama_check.py transcribes transformers' LlamaForCausalLM (eager)
 * with HF's module names, loads model.safetensors strictly and computes the logits. Skipped where
 * no Python with torch is installed (transformers itself is not installable here).
 */
class HfExportTorchCheckTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    @Test
    void pytorchTranscriptionOfLlamaForCausalLmLoadsTheExportStrictlyAndAgreesOnLogits() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON) && run(PYTHON.toString(), "-c", "import torch").exitCode() == 0,
                "needs /usr/bin/python3 with torch");
        Path script = dir.resolve("hf_llama_check.py");
        try (InputStream in = getClass().getResourceAsStream("hf_llama_check.py")) {
            Files.copy(in, script);
        }
        Path checkpoint = dir.resolve("export");
        long[][] ids = TinyModels.randomTokens(2, 9, TinyModels.DIMS.vocab(), 77);
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = TinyModels.randomized(manager, TinyModels.DIMS, DataType.FLOAT32, 0.4, 61);
            HfCheckpoint.save(model, checkpoint);
            double[] djl = TinyModels.logits(model, manager, TinyModels.tokens(manager, ids))
                    .toType(DataType.FLOAT64, false).toDoubleArray();

            Result result = run(PYTHON.toString(), script.toString(), checkpoint.toString(), Arrays.deepToString(ids));
            assertThat(result.exitCode()).as(result.output()).isZero();
            JsonNode logits = JsonMapper.builder().build().readTree(result.output()).get("logits");
            assertThat(TinyModels.maxAbsDifference(logits, djl, ids, TinyModels.DIMS.vocab())).isLessThan(1e-4);
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
