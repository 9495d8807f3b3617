package dev.normlab.worker.training;

import dev.normlab.api.memory.OptimizerKind;
import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.PairList;
import dev.normlab.api.model.ModelDims;
import dev.normlab.api.spec.OptimizerSpec;
import dev.normlab.api.worker.FailureKind;
import dev.normlab.optim.AdamW;
import dev.normlab.optim.RoutedOptimizer;
import dev.normlab.optim.Sgd;
import dev.normlab.optim.SinkGd;
import dev.normlab.optim.Swan;

/**
 * Builds the run's optimizer from its spec (OPTIMIZERS.md): hidden matrices take the spec's rule, embedding,
 * head and gains take AdamW, both at the scheduled eta.
 */
final class OptimizerFactory {

    /**
     * Widest model whose stateless step is stacked on a CPU: for small matrices the per-matrix path's native calls
     * cost more than their arithmetic, which one batched call per shape removes; for wider ones stacking stopped
     * paying on CPU (measurements: docs/benchmarks.md, "The stacked stateless step on CPU").
     */
    static final int STACK_ON_CPU_MAX_HIDDEN = 256;

    private OptimizerFactory() {
    }

    /** Whether the stateless rules take the stacked path: always on a GPU, on a CPU only for small models. */
    static boolean stacksHidden(Device device, ModelDims dims) {
        return device.isGpu() || dims.hidden() <= STACK_ON_CPU_MAX_HIDDEN;
    }

    /**
     * The routed optimizer; its {@code stateDict()} is what checkpoints hold, its {@code close()} frees both rules.
     *
     * @param parameters the initialized block's parameters
     * @param completedSteps steps already taken (on resume): update counts and AdamW's bias correction go on from there
     * @param stackHidden the stacked path of the stateless rules ({@link #stacksHidden})
     * @param computeType the run's compute dtype: under bf16 (GPU only) SWAN's Newton–Schulz runs in bf16 too
     */
    static RoutedOptimizer build(OptimizerSpec spec, LrSchedule schedule, PairList<String, Parameter> parameters,
            NDManager manager, int completedSteps, boolean stackHidden, DataType computeType) {
        AdamW adamW = AdamW.builder()
                .setLearningRateTracker(schedule)
                .optBeta1(spec.beta1().floatValue())
                .optBeta2(spec.beta2().floatValue())
                .optEpsilon(spec.eps().floatValue())
                .optWeightDecays(spec.weightDecay().floatValue())
                .optBeginNumUpdate(completedSteps)
                .optManager(manager)
                .build();
        OptimizerKind kind = OptimizerKind.byId(spec.name()).orElseThrow(() -> new TrainingFailedException(
                FailureKind.INVALID_SPEC, "optimizer.name: unknown optimizer '" + spec.name() + "'"));
        // exhaustive over OptimizerKind: a new kind does not compile until it is built here
        Optimizer hidden = switch (kind) {
            case ADAMW -> adamW;
            case SGD -> Sgd.builder()
                    .setLearningRateTracker(schedule)
                    .optMomentum(spec.momentum().floatValue())
                    .optBeginNumUpdate(completedSteps)
                    .optManager(manager)
                    .build();
            case SINKGD -> SinkGd.builder()
                    .setLearningRateTracker(schedule)
                    .optAlpha(spec.alpha().floatValue())
                    .optRounds(spec.sinkhornRounds())
                    .optBeginNumUpdate(completedSteps)
                    .build();
            case SWAN -> Swan.builder()
                    .setLearningRateTracker(schedule)
                    .optAlpha(spec.alpha().floatValue())
                    .optSteps(spec.newtonSchulzSteps())
                    .optWhiteningType(computeType == DataType.BFLOAT16 ? DataType.BFLOAT16 : DataType.FLOAT32)
                    .optBeginNumUpdate(completedSteps)
                    .build();
        };
        return RoutedOptimizer.builder()
                .setParameters(parameters)
                .setHiddenRule(hidden)
                .setAdamW(adamW)
                .optStackHidden(stackHidden && hidden != adamW && !(hidden instanceof Sgd))
                .build();
    }
}
