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

    /** Peak memory of a GPU, sampled between steps (DJL exposes the device's used bytes, not torch's peak). */
    static final class DevicePeakMemory {

        private final Device device;
        private long peak;

        DevicePeakMemory(Device device) {
            this.device = device;
        }

        void sample() {
            if (device.isGpu()) {
                peak = Math.max(peak, ai.djl.util.cuda.CudaUtils.getGpuMemory(device).getUsed());
            }
        }

        Long peakBytes() {
            return device.isGpu() ? peak : null;
        }
    }
}
