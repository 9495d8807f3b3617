package dev.normlab.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import dev.normlab.worker.engine.LoadedLibtorch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two shaded jars of {@code package}: {@code normlab-worker.jar} bundles the CPU libtorch (what
 * {@code ./normlab start} runs), {@code normlab-worker-gpu.jar} the same code without it, so that DJL resolves the
 * CUDA build on a GPU node instead of taking the bundled CPU one. Both are run as a user runs them.
 */
class WorkerJarsIT {

    private static final Path TARGET = Path.of("target");
    private static final Path CPU_JAR = TARGET.resolve("normlab-worker.jar");
    private static final Path GPU_JAR = TARGET.resolve("normlab-worker-gpu.jar");
    private static final String NATIVE_PROPERTIES = "native/lib/pytorch.properties";

    @TempDir
    Path cache;

    private static Set<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(JarEntry::getName).collect(Collectors.toSet());
        }
    }

    @Test
    void theCpuJarBundlesTheCpuLibtorchAndTheGpuJarNoLibtorchAtAll() throws IOException {
        Set<String> cpu = entries(CPU_JAR);
        Set<String> gpu = entries(GPU_JAR);

        assertThat(cpu).contains(NATIVE_PROPERTIES, "pytorch/cpu/linux-x86_64/libtorch_cpu.so");
        try (JarFile file = new JarFile(CPU_JAR.toFile())) {
            Properties p = new Properties();
            p.load(file.getInputStream(file.getEntry(NATIVE_PROPERTIES)));
            assertThat(p.getProperty("flavor")).isEqualTo("cpu");
            assertThat(p.getProperty("version")).startsWith(LoadedLibtorch.SUPPORTED_VERSION);
        }

        assertThat(gpu).doesNotContain(NATIVE_PROPERTIES);
        assertThat(gpu).noneMatch(e -> e.startsWith("pytorch/") || e.contains("libtorch") || e.contains("libc10"));
        // what DJL needs to resolve and bind a CUDA libtorch: the engine's version file and the cu128 JNI
        assertThat(gpu).contains("pytorch-engine.properties", "jnilib/pytorch.properties",
                "jnilib/linux-x86_64/cu128/libdjl_torch.so", "dev/normlab/worker/cli/Main.class");
        // the same code: every class of ours in one jar is in the other
        assertThat(gpu.stream().filter(e -> e.startsWith("dev/normlab/")).collect(Collectors.toSet()))
                .isEqualTo(cpu.stream().filter(e -> e.startsWith("dev/normlab/")).collect(Collectors.toSet()));
        assertThat(Files.size(GPU_JAR)).isLessThan(Files.size(CPU_JAR) - (100L << 20));
    }

    @Test
    void theGpuJarTrainsOnAnInstalledLibtorchGivenByPytorchLibraryPathAndNamesItWhenItHasNoGpu() throws Exception {
        // the air-gapped setup, with the CPU build of libtorch 2.7.1 standing in for the CUDA one
        String libtorch = LoadedLibtorch.of(Engine.getInstance()).path();
        Map<String, String> env = Map.of("PYTORCH_LIBRARY_PATH", libtorch, "PYTORCH_VERSION", "2.7.1",
                "PYTORCH_FLAVOR", "cpu", "ENGINE_CACHE_DIR", cache.toString());

        Result report = run(GPU_JAR, env, "engine", "--json", "--device", "cpu");
        assertThat(report.exitCode()).as(report.output()).isZero();
        JsonNode json = JsonMapper.builder().build().readTree(report.stdout());
        assertThat(json.path("libtorchPath").asString()).isEqualTo(libtorch);
        assertThat(json.path("libtorchVersion").asString()).isEqualTo("2.7.1");
        assertThat(json.path("libtorchFlavor").asString()).isEqualTo("cpu");
        assertThat(json.path("deviceKind").asString()).isEqualTo("cpu");
        assertThat(json.path("roundTripMillis").asDouble()).isPositive();

        if (Engine.getInstance().getGpuCount() == 0) {
            Result gpu = run(GPU_JAR, env, "engine", "--device", "gpu");
            assertThat(gpu.exitCode()).isEqualTo(2);
            assertThat(gpu.output()).contains("--device gpu: the PyTorch engine sees no GPU")
                    .contains("libtorch 2.7.1 (cpu) from " + libtorch).contains("is a CPU build");
        }
    }

    @Test
    void theGpuJarOfflineWithoutACachedLibtorchSaysWhereToGetOne() throws Exception {
        Result result = run(GPU_JAR, Map.of("ENGINE_CACHE_DIR", cache.toString()), "engine");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("cannot load the PyTorch engine").contains("Offline mode is enabled")
                .contains("bundles no libtorch").contains("PYTORCH_LIBRARY_PATH");
    }

    private record Result(int exitCode, String stdout, String output) {
    }

    /** {@code java -Dai.djl.offline=true -jar <jar> <args>} with a clean DJL environment plus {@code env}. */
    private static Result run(Path jar, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("PYTORCH_") || k.equals("ENGINE_CACHE_DIR"));
        builder.environment().putAll(env);
        Path out = Files.createTempFile("jar-out", ".txt");
        Path err = Files.createTempFile("jar-err", ".txt");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            return new Result(process.exitValue(), stdout, stdout + Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
