package dev.normlab.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.api.worker.MetricPoint;
import dev.normlab.api.worker.RunSummary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The {@code train} command end to end, in process: exit codes, messages and files. */
class TrainCommandTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpDocumentsEveryOption() {
        assertThat(Main.execute("train", "--help")).isZero();
        String help = out.toString(StandardCharsets.UTF_8);
        for (String option : List.of("--spec", "--out", "--resume", "--threads", "--cache", "--progress-every", "Exit codes")) {
            assertThat(help).contains(option);
        }
        out.reset();
        assertThat(Main.execute("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("train");
    }

    @Test
    void anUnknownFieldIsRejectedByName() throws IOException {
        Path spec = write("{\"optimizer\": {\"name\": \"adamw\"}, \"model\": {\"preset\": \"nano\", \"layerz\": 2}}");
        assertThat(Main.execute("train", "--spec", spec.toString(), "--out", dir.resolve("o").toString())).isEqualTo(2);
        assertThat(stderr()).contains("model.layerz: unknown field 'layerz'");
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void invalidValuesAreListedByPropertyPath() throws IOException {
        Path spec = write("{\"optimizer\": {\"name\": \"lion\"}, \"seqLen\": 0, \"steps\": 5, \"tokenBudget\": 100}");
        assertThat(Main.execute("train", "--spec", spec.toString())).isEqualTo(2);
        assertThat(stderr()).contains("optimizer.name: must be one of adamw, sgd, sinkgd, swan")
                .contains("seqLen: must be greater than 0")
                .contains("lengthUnambiguous: give steps or tokenBudget, not both");
    }

    @Test
    void aWrongTypeNamesTheField() throws IOException {
        Path spec = write("{\"optimizer\": {\"name\": \"adamw\"}, \"batchSize\": \"eight\"}");
        assertThat(Main.execute("train", "--spec", spec.toString())).isEqualTo(2);
        assertThat(stderr()).contains("batchSize:");
    }

    @Test
    void missingFilesAreUsageErrors() throws IOException {
        assertThat(Main.execute("train", "--spec", dir.resolve("nope.json").toString())).isEqualTo(2);
        assertThat(stderr()).contains("--spec: no such file");
        Path spec = write("{\"optimizer\": {\"name\": \"adamw\"}, \"device\": \"cpu\", \"data\": {\"corpus\": \""
                + dir.resolve("missing.txt") + "\"}}");
        assertThat(Main.execute("train", "--spec", spec.toString(), "--out", dir.resolve("o").toString())).isEqualTo(2);
        assertThat(stderr()).contains("data.corpus:").contains("missing.txt");
        assertThat(Main.execute("train")).isEqualTo(2); // picocli: missing --spec
    }

    @Test
    void trainsWritesMetricsAndSummaryAndResumes() throws IOException {
        Path corpus = corpus();
        Path spec = write("{\"model\": {\"hidden\": 32, \"intermediate\": 64, \"heads\": 2, \"layers\": 2},"
                + " \"optimizer\": {\"name\": \"sinkgd\"}, \"data\": {\"corpus\": \"" + corpus + "\", \"heldOutFraction\": 0.2},"
                + " \"seqLen\": 16, \"batchSize\": 2, \"steps\": 4, \"evalEvery\": 2, \"evalBatches\": 1, \"device\": \"cpu\"}");
        Path outDir = dir.resolve("run");

        int code = Main.execute("train", "--spec", spec.toString(), "--out", outDir.toString(), "--threads", "1",
                "--cache", dir.resolve("cache").toString());

        assertThat(code).as(stderr()).isZero();
        List<MetricPoint> points = new ArrayList<>();
        for (String line : Files.readAllLines(outDir.resolve("metrics.jsonl"))) {
            points.add(JSON.readValue(line, MetricPoint.class));
        }
        assertThat(points).filteredOn(p -> p.key().equals("train_loss")).extracting(MetricPoint::step).containsExactly(1L, 2L, 3L, 4L);
        assertThat(points).filteredOn(p -> p.key().equals("eval_loss")).extracting(MetricPoint::step).containsExactly(0L, 2L, 4L);
        RunSummary summary = JSON.readValue(outDir.resolve("summary.json").toFile(), RunSummary.class);
        assertThat(summary.steps()).isEqualTo(4);
        assertThat(JSON.readValue(out.toString(StandardCharsets.UTF_8), RunSummary.class)).isEqualTo(summary);
        assertThat(stderr()).contains("step 4/4"); // progress lines, stderr is no terminal here
        assertThat(outDir.resolve("model/model.safetensors")).isRegularFile();

        // a finished run resumed from its output folder has nothing left to do and keeps its metrics
        out.reset();
        assertThat(Main.execute("train", "--spec", spec.toString(), "--out", outDir.toString(), "--resume", outDir.toString(),
                "--threads", "1", "--cache", dir.resolve("cache").toString())).isZero();
        assertThat(Files.readAllLines(outDir.resolve("metrics.jsonl"))).hasSize(points.size());
    }

    private Path write(String json) throws IOException {
        Path file = Files.createTempFile(dir, "spec", ".json");
        Files.writeString(file, json);
        return file;
    }

    private Path corpus() throws IOException {
        Random random = new Random(5);
        String[] words = {"we", "vote", "today", "on", "the", "report", "of", "commission", "and", "council"};
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            StringBuilder line = new StringBuilder();
            for (int w = 0; w < 8; w++) {
                line.append(words[random.nextInt(words.length)]).append(' ');
            }
            lines.add(line.toString().trim());
        }
        Path file = dir.resolve("corpus.txt");
        Files.write(file, lines);
        return file;
    }
}
