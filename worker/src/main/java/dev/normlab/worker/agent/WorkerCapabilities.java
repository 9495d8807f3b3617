package dev.normlab.worker.agent;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.ManagementFactory;

/**
 * What the worker offers in its claims: the backend hands it only runs whose device and analytic memory need fit.
 *
 * @param deviceKind {@code cpu} or {@code gpu}
 * @param deviceMemoryBytes GPU memory of the first GPU, or the machine's physical RAM for a CPU worker
 */
public record WorkerCapabilities(String name, String deviceKind, long deviceMemoryBytes) {

    public WorkerCapabilities {
        if (!"cpu".equals(deviceKind) && !"gpu".equals(deviceKind)) {
            throw new IllegalArgumentException("device kind must be cpu or gpu, got '" + deviceKind + "'");
        }
        if (deviceMemoryBytes <= 0) {
            throw new IllegalArgumentException("device memory must be positive, got " + deviceMemoryBytes);
        }
    }

    /**
     * Detects the device with DJL's engine.
     *
     * @param requested {@code cpu}, {@code gpu} or {@code auto} (a GPU when the engine sees one)
     */
    public static WorkerCapabilities detect(String name, String requested) {
        int gpus = Engine.getInstance().getGpuCount();
        String kind = switch (requested) {
            case "auto" -> gpus > 0 ? "gpu" : "cpu";
            case "cpu" -> "cpu";
            case "gpu" -> {
                if (gpus == 0) {
                    throw new IllegalArgumentException("--device gpu: the " + Engine.getInstance().getEngineName()
                            + " engine sees no GPU");
                }
                yield "gpu";
            }
            default -> throw new IllegalArgumentException("--device must be cpu, gpu or auto, got '" + requested + "'");
        };
        long memory = "gpu".equals(kind) ? CudaUtils.getGpuMemory(Device.gpu()).getMax() : physicalMemoryBytes();
        return new WorkerCapabilities(name, kind, memory);
    }

    static long physicalMemoryBytes() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
    }
}
