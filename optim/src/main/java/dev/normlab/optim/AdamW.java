package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.util.List;
import java.util.Map;

/**
 * AdamW with bias correction and decoupled weight decay (default 0), as in {@code torch.optim}:
 *
 * <pre>
 * w ← w − lr·wd·w
 * m ← b1·m + (1−b1)·g ;  v ← b2·v + (1−b2)·g²
 * w ← w − lr · (m / (1−b1^t)) / (sqrt(v / (1−b2^t)) + eps)
 * </pre>
 *
 * Runs as one fused engine call (DJL's adamUpdate kernel, which also zeroes the weight's
 * gradient): bias correction is folded into its step {@code lr·sqrt(1−b2^t)/(1−b1^t)} and its
 * epsilon {@code eps·sqrt(1−b2^t)}, which is algebraically the formula above. The two moments
 * (weight dtype) live in the optimizer's own manager; {@link #close()} frees them.
 */
public final class AdamW extends Optimizer implements StatefulRule, AutoCloseable {

    /** torch's state keys of the two moments. */
    static final List<String> STATE_KEYS = List.of("exp_avg", "exp_avg_sq");

    private final ParameterTracker learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final MomentStore moments;

    private AdamW(Builder builder) {
        super(builder);
        this.learningRate = Checks.required("learningRateTracker", builder.learningRate);
        this.beta1 = Checks.inUnitInterval("beta1", builder.beta1);
        this.beta2 = Checks.inUnitInterval("beta2", builder.beta2);
        this.epsilon = Checks.positive("epsilon", builder.epsilon);
        Checks.nonNegative("weightDecay", getWeightDecay());
        NDManager manager = builder.manager != null
                ? builder.manager.newSubManager()
                : NDManager.newBaseManager();
        this.moments = new MomentStore(manager, STATE_KEYS);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        int t = updateCount(parameterId);
        float lr = learningRate.getNewValue(parameterId, t);
        double c1 = 1.0 - Math.pow(beta1, t);
        double c2 = 1.0 - Math.pow(beta2, t);
        float correctedLr = (float) (lr * Math.sqrt(c2) / c1);
        float correctedEps = (float) (epsilon * Math.sqrt(c2));
        if (!Float.isFinite(correctedLr)) {
            throw new IllegalStateException("learning rate is not finite: " + lr + " at step " + t);
        }
        NDArray[] mv = moments.of(parameterId, weight);
        try (NDManager scope = NDManager.subManagerOf(grad)) {
            scope.tempAttachAll(grad);
            NDArray g = Gradients.rescaleAndClip(grad, rescaleGrad, clipGrad);
            weight.getNDArrayInternal().adamUpdate(
                    new NDList(weight, g, mv[0], mv[1]), new NDList(weight),
                    lr, correctedLr, getWeightDecay(),
                    1f, -1f, // rescale and clip already applied (both sides)
                    beta1, beta2, correctedEps,
                    false, true); // not lazy; decoupled weight decay
        }
    }

    /**
     * The live moments {@code exp_avg} (m) and {@code exp_avg_sq} (v) of a parameter, allocated as zeros first. On
     * resume set them in place together with {@code optBeginNumUpdate(step)}, so bias correction continues at the
     * right t.
     */
    @Override
    public Map<String, NDArray> state(String parameterId, NDArray weight) {
        return moments.named(parameterId, weight);
    }

    /** The live moments of a parameter, empty before its first update or allocation. */
    @Override
    public Map<String, NDArray> state(String parameterId) {
        return moments.named(parameterId);
    }

    @Override
    public long stateBytes() {
        return moments.bytes();
    }

    @Override
    public long stateBytes(String parameterId) {
        return moments.bytes(parameterId);
    }

    @Override
    public void close() {
        moments.close();
    }

    /** Builds an {@link AdamW}; defaults: betas 0.9 / 0.999, eps 1e-8, weight decay 0. */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private ParameterTracker learningRate;
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;
        private NDManager manager;

        Builder() {}

        /** The scheduled learning rate (the trainer's warmup + cosine). */
        public Builder setLearningRateTracker(ParameterTracker learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder optBeta1(float beta1) {
            this.beta1 = beta1;
            return this;
        }

        public Builder optBeta2(float beta2) {
            this.beta2 = beta2;
            return this;
        }

        public Builder optEpsilon(float epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /** Parent of the manager owning the moments (default: a new base manager). */
        public Builder optManager(NDManager manager) {
            this.manager = manager;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        public AdamW build() {
            return new AdamW(this);
        }
    }
}
