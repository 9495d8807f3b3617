package dev.normlab.worker.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import dev.normlab.api.spec.RunSpec;
import dev.normlab.api.worker.FailureKind;
import dev.normlab.worker.engine.LoadedLibtorch;

/**
 * The device and compute dtype of a run, chosen once at the start from the spec. Parameters are always fp32;
 * {@code computeType} BFLOAT16 ({@code precision: bf16}) is mixed precision through {@code MixedPrecisionStore}.
 */
record TrainingDevice(Device device, DataType computeType) {

    static TrainingDevice choose(RunSpec spec, Engine engine) {
        boolean hasGpu = engine.getGpuCount() > 0;
        Device device = switch (spec.device()) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (!hasGpu) {
                    throw new TrainingFailedException(FailureKind.INVALID_SPEC, "device: gpu requested but the "
                            + engine.getEngineName() + " engine sees no GPU here: " + LoadedLibtorch.of(engine).noGpuAdvice());
                }
                yield Device.gpu();
            }
            default -> hasGpu ? Device.gpu() : Device.cpu();
        };
        boolean bf16 = "bf16".equals(spec.precision());
        if (bf16 && !device.isGpu()) {
            // bf16 arrays crash DJL 0.35.1 on CPU
            throw new TrainingFailedException(FailureKind.INVALID_SPEC, "precision: bf16 needs a GPU; this run would train on " + device);
        }
        return new TrainingDevice(device, bf16 ? DataType.BFLOAT16 : DataType.FLOAT32);
    }
}
