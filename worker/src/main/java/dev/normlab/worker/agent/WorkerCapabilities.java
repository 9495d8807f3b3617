package dev.normlab.worker.agent;

import dev.normlab.api.worker.EngineReport;
import dev.normlab.worker.engine.EngineSelfCheck;

/**
 * What the worker offers in its claims: the backend hands it only runs whose device and analytic memory need fit.
 *
 * @param deviceKind {@code cpu} or {@code gpu}
 * @param deviceMemoryBytes GPU memory of the first GPU, or the machine's physical RAM for a CPU worker
 * @param engine the engine self-check, sent with every claim (null in tests that run no engine)
 */
public record WorkerCapabilities(String name, String deviceKind, long deviceMemoryBytes, EngineReport engine) {

    public WorkerCapabilities {
        if (!"cpu".equals(deviceKind) && !"gpu".equals(deviceKind)) {
            throw new IllegalArgumentException("device kind must be cpu or gpu, got '" + deviceKind + "'");
        }
        if (deviceMemoryBytes <= 0) {
            throw new IllegalArgumentException("device memory must be positive, got " + deviceMemoryBytes);
        }
    }

    public WorkerCapabilities(String name, String deviceKind, long deviceMemoryBytes) {
        this(name, deviceKind, deviceMemoryBytes, null);
    }

    /**
     * Loads the engine and runs its self-check ({@link EngineSelfCheck}) on the device asked for.
     *
     * @param requested {@code cpu}, {@code gpu} or {@code auto} (a GPU when the engine sees one)
     * @throws dev.normlab.worker.engine.EngineCheckException when that device cannot be trained on
     */
    public static WorkerCapabilities detect(String name, String requested) {
        EngineReport report = EngineSelfCheck.run(requested);
        return new WorkerCapabilities(name, report.deviceKind(), report.deviceMemoryBytes(), report);
    }
}
