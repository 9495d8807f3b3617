package dev.normlab.worker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.normlab.api.memory.MemoryEstimate;
import dev.normlab.api.memory.MemoryModel;
import dev.normlab.api.memory.OptimizerKind;
import dev.normlab.api.memory.Precision;
import dev.normlab.api.spec.OptimizerSpec;
import dev.normlab.api.worker.MeasuredMemory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code precision: bf16} is mixed precision: fp32 master weights, gradients and optimizer state, activations and
 * matmuls in the half type. On CPU fp16 stands in for bf16 (DJL 0.35.1 aborts the JVM on any CPU bf16 array);
 * the code path ({@link dev.normlab.worker.model.MixedPrecisionStore}) is the same.
 */
class MixedPrecisionTest {

    private static final int SEQ = 16;
    private static final int STEPS = 12;

    @ParameterizedTest
    @ValueSource(strings = {"adamw", "sinkgd"})
    void halfComputeKeepsFp32MastersGradientsAndStateAndFollowsTheFp32Run(String optimizer) {
        long[][] blocks = TinyTraining.randomBlocks(8, SEQ, TinyTraining.DIMS.vocab(), 5);
        OptimizerSpec spec = OptimizerSpec.of(optimizer);
        double lr = "adamw".equals(optimizer) ? 1e-2 : 2e-2;
        double[] fp32 = new double[STEPS];
        MeasuredMemory fp32Memory;
        try (TinyTraining t = new TinyTraining(spec, lr, 9, new Shape(2, SEQ), false, DataType.FLOAT32)) {
            StepRunner steps = t.steps(new TinyTraining.FixedBatches(blocks, 2), 1, 1.0);
            for (int i = 0; i < STEPS; i++) {
                fp32[i] = steps.run(i + 1).loss();
            }
            fp32Memory = memory(t);
        }
        try (TinyTraining t = new TinyTraining(spec, lr, 9, new Shape(2, SEQ), false, DataType.FLOAT16)) {
            StepRunner steps = t.steps(new TinyTraining.FixedBatches(blocks, 2), 1, 1.0);
            double[] mixed = new double[STEPS];
            long arraysAfterFirst = 0;
            for (int i = 0; i < STEPS; i++) {
                mixed[i] = steps.run(i + 1).loss();
                if (i == 0) {
                    arraysAfterFirst = ((BaseNDManager) t.root).getManagedArrays().size();
                }
            }
            // the half copies of the weights die with the step: no native array outlives it
            assertThat(((BaseNDManager) t.root).getManagedArrays().size()).isEqualTo(arraysAfterFirst);

            // activations and matmuls in the half type: the logits come out in it
            try (ai.djl.ndarray.NDManager scope = t.root.newSubManager()) {
                NDArray tokens = scope.zeros(new Shape(2, SEQ), DataType.INT64);
                NDArray logits = t.model.forward(t.store, new NDList(tokens), false).singletonOrThrow();
                assertThat(logits.getDataType()).isEqualTo(DataType.FLOAT16);
                scope.tempAttachAll(logits);
            }
            // masters, gradients and state stay fp32: the memory of the fp32 run, and the analytic BF16_MIXED model
            for (Parameter p : t.model.getParameters().values()) {
                assertThat(p.getArray().getDataType()).as(p.getName()).isEqualTo(DataType.FLOAT32);
                try (NDArray g = p.getArray().getGradient()) {
                    assertThat(g.getDataType()).as(p.getName()).isEqualTo(DataType.FLOAT32);
                }
            }
            MeasuredMemory measured = memory(t);
            assertThat(measured.weightBytes()).isEqualTo(fp32Memory.weightBytes());
            assertThat(measured.gradientBytes()).isEqualTo(fp32Memory.gradientBytes());
            assertThat(measured.optimizerStateBytes()).isEqualTo(fp32Memory.optimizerStateBytes());
            MemoryEstimate analytic = MemoryModel.estimate(TinyTraining.DIMS, OptimizerKind.byId(optimizer).orElseThrow(),
                    Precision.BF16_MIXED);
            assertThat(measured.weightBytes()).isEqualTo(analytic.weightBytes());
            assertThat(measured.gradientBytes()).isEqualTo(analytic.gradientBytes());
            assertThat(measured.optimizerStateBytes()).isEqualTo(analytic.stateBytes());

            // it learns like the fp32 run, within half-precision rounding
            for (int i = 0; i < STEPS; i++) {
                assertThat(mixed[i]).as("step %d", i + 1).isCloseTo(fp32[i], within(0.02 + 0.01 * fp32[i]));
            }
            assertThat(mixed[STEPS - 1]).isLessThan(mixed[0] - 0.3);
        }
    }

    private static MeasuredMemory memory(TinyTraining t) {
        return new MemoryAccounting(t.model.getParameters(), t.optimizer,
                MemoryAccounting.DevicePeakMemory.start(ai.djl.Device.cpu())).measure();
    }
}
