package dev.normlab.worker.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.normlab.api.worker.MeasuredMemory;
import dev.normlab.optim.ParameterRole;
import dev.normlab.optim.RoutedOptimizer;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Measured memory of a run: exact bytes of the weight, gradient and optimizer-state arrays (per parameter
 * group, named as in api's MemoryModel), the peak device memory on a GPU and the peak resident set.
 */
final class MemoryAccounting {

    /** Group names of {@link dev.normlab.api.memory.MemoryModel}; biases and unmatched parameters have their own. */
    static final Map<ParameterRole, String> GROUP_NAMES = new EnumMap<>(Map.of(
            ParameterRole.HIDDEN_MATRIX, "hidden",
            ParameterRole.EMBEDDING, "embedding",
            ParameterRole.HEAD, "head",
            ParameterRole.GAIN, "gains",
            ParameterRole.BIAS, "biases",
            ParameterRole.OTHER, "other"));

    private final PairList<String, Parameter> parameters;
    private final RoutedOptimizer optimizer;
    private final DevicePeakMemory devicePeak;

    MemoryAccounting(PairList<String, Parameter> parameters, RoutedOptimizer optimizer, DevicePeakMemory devicePeak) {
        this.parameters = parameters;
        this.optimizer = optimizer;
        this.devicePeak = devicePeak;
    }

    MeasuredMemory measure() {
        devicePeak.sample(); // after the last evaluation too
        long weights = 0;
        long gradients = 0;
        for (Pair<String, Parameter> p : parameters) {
            NDArray w = p.getValue().getArray();
            weights += bytes(w);
            if (p.getValue().requiresGradient() && w.hasGradient()) {
                try (NDArray g = w.getGradient()) { // a new handle on the same tensor: close it
                    gradients += bytes(g);
                }
            }
        }
        Map<String, Long> stateByGroup = new LinkedHashMap<>();
        optimizer.stateBytesByRole().forEach((role, bytes) -> stateByGroup.put(GROUP_NAMES.get(role), bytes));
        return new MeasuredMemory(optimizer.stateBytes(), stateByGroup, weights, gradients,
                devicePeak.peakBytes(), ResidentMemory.peakBytes());
    }

    private static long bytes(NDArray array) {
        return array.size() * array.getDataType().getNumOfBytes();
    }

    /**
     * Peak device memory of a run on a GPU: the CUDA caching allocator's reserved high-water mark of this run, about
     * {@code torch.cuda.max_memory_reserved()}. DJL 0.35.1 reaches no allocator statistics (its JNI binds
     * {@code torchCudaEmptyCache} but no {@code memory_stats} / {@code max_memory_allocated}); what it has is the
     * device's used bytes ({@code CudaUtils.getGpuMemory}, i.e. {@code cudaMemGetInfo}). So the cache is emptied when
     * the run starts, before its first array, and that reading is the baseline (CUDA context, other processes);
     * each later reading minus the baseline is what the allocator holds for this run. The allocator keeps what it
     * reserved until emptied, so a reading after a step includes the step's own peak (activations, workspaces).
     * Null on CPU.
     */
    static final class DevicePeakMemory {

        private final Device device;
        private final java.util.function.LongSupplier usedBytes;
        private final long baseline;
        private long peak;

        private DevicePeakMemory(Device device, java.util.function.LongSupplier usedBytes, Runnable emptyCache) {
            this.device = device;
            this.usedBytes = usedBytes;
            if (device.isGpu()) {
                emptyCache.run();
                baseline = usedBytes.getAsLong();
            } else {
                baseline = 0;
            }
        }

        /** Before the run allocates anything on {@code device}: the baseline is read here. */
        static DevicePeakMemory start(Device device) {
            return new DevicePeakMemory(device, () -> ai.djl.util.cuda.CudaUtils.getGpuMemory(device).getUsed(),
                    ai.djl.pytorch.jni.JniUtils::emptyCudaCache);
        }

        /** For tests of the arithmetic, on a machine without a GPU. */
        static DevicePeakMemory start(Device device, java.util.function.LongSupplier usedBytes, Runnable emptyCache) {
            return new DevicePeakMemory(device, usedBytes, emptyCache);
        }

        void sample() {
            if (device.isGpu()) {
                peak = Math.max(peak, usedBytes.getAsLong() - baseline);
            }
        }

        Long peakBytes() {
            return device.isGpu() ? peak : null;
        }
    }
}
