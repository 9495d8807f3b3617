package dev.normlab.worker.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.normlab.api.spec.OptimizerSpec;
import dev.normlab.api.spec.ScheduleSpec;
import dev.normlab.optim.RouteSummary;
import dev.normlab.optim.RoutedOptimizer;
import dev.normlab.worker.model.LlamaModel;
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

    @Test
    void swanWhitensInBf16ExactlyWhenTheRunComputesInBf16() {
        OptimizerSpec swan = OptimizerSpec.of("swan");
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel layer = new LlamaModel(ModelPreset.byId("nano").orElseThrow().dims(257));
            layer.initialize(manager, DataType.FLOAT32, new Shape(1, 8));
            LrSchedule schedule = new LrSchedule(new ScheduleSpec(0.0, 1.0), 10, swan.lr());
            for (DataType compute : new DataType[] {DataType.FLOAT32, DataType.BFLOAT16}) {
                try (RoutedOptimizer optimizer = OptimizerFactory.build(swan, schedule, layer.getParameters(), manager, 0,
                        false, compute)) {
                    String rules = optimizer.summary().stream().map(RouteSummary::rule).toList().toString();
                    assertThat(rules.contains("whitening bfloat16")).as(rules).isEqualTo(compute == DataType.BFLOAT16);
                }
            }
        }
    }
}
