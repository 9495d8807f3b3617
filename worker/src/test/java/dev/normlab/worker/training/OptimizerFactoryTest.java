package dev.normlab.worker.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.normlab.api.model.ModelPreset;
import org.junit.jupiter.api.Test;

class OptimizerFactoryTest {

    @Test
    void stacksTheStatelessStepOfSmallModelsOnCpuAndOfEveryModelOnGpu() {
        assertThat(OptimizerFactory.stacksHidden(Device.cpu(), ModelPreset.byId("nano").orElseThrow().dims(257))).isTrue();
        assertThat(OptimizerFactory.stacksHidden(Device.cpu(), ModelPreset.byId("micro").orElseThrow().dims(257))).isTrue();
        // at llama-60m widths the stack copies cost more than they save on a CPU (docs/benchmarks.md)
        assertThat(OptimizerFactory.stacksHidden(Device.cpu(), ModelPreset.byId("llama-60m").orElseThrow().dims(257))).isFalse();
        assertThat(OptimizerFactory.stacksHidden(Device.gpu(), ModelPreset.byId("llama-60m").orElseThrow().dims(257))).isTrue();
    }
}
