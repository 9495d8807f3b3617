package dev.normlab.api.worker;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * The engine self-check a worker runs at start ({@code normlab-worker.jar engine} prints it), logged and sent
 * with every claim so the backend can show which libtorch each worker really trains on.
 *
 * @param djlVersion DJL's version ({@code 0.35.1})
 * @param engine engine name ({@code PyTorch})
 * @param libtorchVersion the loaded libtorch ({@code 2.7.1})
 * @param libtorchFlavor its build: {@code cpu}, {@code cpu-precxx11}, {@code cu128}, ...
 * @param libtorchPath folder it was loaded from (DJL's cache, or {@code PYTORCH_LIBRARY_PATH})
 * @param cudaAvailable libtorch itself sees CUDA ({@code torch::cuda::is_available()}): false for a CPU build
 * @param gpuCount GPUs DJL sees (0 unless libtorch has CUDA and the CUDA runtime finds a device)
 * @param deviceKind the device this worker trains on: {@code cpu} or {@code gpu}
 * @param deviceName GPU name, or the CPU model
 * @param deviceMemoryBytes GPU memory, or physical RAM on CPU
 * @param cudaRuntimeVersion CUDA runtime version ({@code 12.8}); null without a GPU
 * @param computeCapability the GPU's compute capability ({@code 8.9}); null without a GPU
 * @param bf16Supported bf16 matmuls ran on the device (GPU only; never tried on CPU, where DJL 0.35.1 aborts)
 * @param roundTripMillis the self-check's tensor round trip: host to device, matmuls, back, checked
 * @param matmulGflops fp32 matmul throughput measured in that round trip
 */
public record EngineReport(
        @Size(max = 64) String djlVersion,
        @Size(max = 64) String engine,
        @Size(max = 64) String libtorchVersion,
        @Size(max = 64) String libtorchFlavor,
        @Size(max = 1_000) String libtorchPath,
        boolean cudaAvailable,
        @PositiveOrZero int gpuCount,
        @NotBlank @Pattern(regexp = "cpu|gpu", message = "must be cpu or gpu") String deviceKind,
        @Size(max = 200) String deviceName,
        @Positive Long deviceMemoryBytes,
        @Size(max = 32) String cudaRuntimeVersion,
        @Size(max = 32) String computeCapability,
        boolean bf16Supported,
        @PositiveOrZero Double roundTripMillis,
        @PositiveOrZero Double matmulGflops) {

    /** One line for logs and error messages: {@code PyTorch 2.7.1 (cu128) from <path>, DJL 0.35.1}. */
    public String libtorchDescription() {
        return engine + " " + libtorchVersion + " (" + libtorchFlavor + ") from " + libtorchPath + ", DJL " + djlVersion;
    }
}
