package dev.normlab.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import dev.normlab.api.worker.EngineReport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The self-check on the real engine of the test classpath: DJL 0.35.1 with the CPU libtorch 2.7.1. */
class EngineSelfCheckTest {

    @Test
    void onCpuTheReportNamesTheBundledCpuLibtorchAndARealRoundTrip() {
        EngineReport r = EngineSelfCheck.run("cpu");

        assertThat(r.djlVersion()).isEqualTo("0.35.1");
        assertThat(r.engine()).isEqualTo("PyTorch");
        assertThat(r.libtorchVersion()).isEqualTo(LoadedLibtorch.SUPPORTED_VERSION);
        assertThat(r.libtorchFlavor()).isEqualTo("cpu");
        assertThat(Path.of(r.libtorchPath()).resolve(System.mapLibraryName("torch"))).exists();
        assertThat(r.cudaAvailable()).isFalse();
        assertThat(r.deviceKind()).isEqualTo("cpu");
        assertThat(r.deviceMemoryBytes()).isEqualTo(EngineSelfCheck.physicalMemoryBytes());
        assertThat(r.deviceName()).isNotBlank();
        assertThat(r.cudaRuntimeVersion()).isNull();
        assertThat(r.computeCapability()).isNull();
        assertThat(r.bf16Supported()).isFalse(); // never tried on CPU: DJL 0.35.1 aborts on CPU bf16 arrays
        assertThat(r.roundTripMillis()).isPositive();
        assertThat(r.matmulGflops()).isPositive();
        assertThat(EngineSelfCheck.describe(r)).contains("libtorch", "2.7.1 (cpu)", r.libtorchPath(), "round trip ok");
    }

    @Test
    void autoPicksTheCpuWhenTheEngineSeesNoGpu() {
        if (Engine.getInstance().getGpuCount() > 0) {
            return; // a GPU machine: auto is the GPU there
        }
        assertThat(EngineSelfCheck.run("auto").deviceKind()).isEqualTo("cpu");
    }

    @Test
    void gpuOnACpuLibtorchFailsNamingTheLoadedLibraryAndTheWaysToTheCudaOne() {
        if (Engine.getInstance().getGpuCount() > 0) {
            return;
        }
        String path = LoadedLibtorch.of(Engine.getInstance()).path();
        assertThatThrownBy(() -> EngineSelfCheck.run("gpu"))
                .isInstanceOf(EngineCheckException.class)
                .hasMessageStartingWith("--device gpu: the PyTorch engine sees no GPU")
                .hasMessageContaining("libtorch 2.7.1 (cpu) from " + path)
                .hasMessageContaining("is a CPU build")
                .hasMessageContaining("normlab-worker-gpu.jar")
                .hasMessageContaining("PYTORCH_LIBRARY_PATH")
                .hasMessageContaining("PYTORCH_FLAVOR=cu128");
    }

    @Test
    void theFlavorComesFromDjlAndTheCudaEvidenceFromTheLibraryFolder() throws Exception {
        LoadedLibtorch loaded = LoadedLibtorch.of(Engine.getInstance());
        assertThat(LoadedLibtorch.flavor(loaded.path())).isEqualTo("cpu");
        assertThat(loaded.cudaBuild()).isFalse();

        Path dir = Files.createTempDirectory("libtorch");
        try {
            assertThat(LoadedLibtorch.hasCudaLibraries(dir)).isFalse();
            Files.createFile(dir.resolve(System.mapLibraryName("torch_cuda")));
            assertThat(LoadedLibtorch.hasCudaLibraries(dir)).isTrue();
            LoadedLibtorch cuda = new LoadedLibtorch("2.7.1", "cu128", dir.toString(), true);
            assertThat(cuda.noGpuAdvice()).contains("is a CUDA build but finds no GPU", "libcudart");
        } finally {
            Files.deleteIfExists(dir.resolve(System.mapLibraryName("torch_cuda")));
            Files.delete(dir);
        }
    }
}
