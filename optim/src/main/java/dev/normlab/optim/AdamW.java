package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Runs as libtorch's fused AdamW kernel ({@link FusedAdamWKernel}): one call per parameter through
 * {@link #update}, one call for many parameters through {@link #updateAll} (what
 * {@link RoutedOptimizer#step()} uses). The two moments (weight dtype) live in the optimizer's own
 * manager; {@link #close()} frees them.
 */
public final class AdamW extends Optimizer implements StatefulRule, AutoCloseable {

    /** torch's state keys of the two moments. */
    static final List<String> STATE_KEYS = List.of("exp_avg", "exp_avg_sq");

    private final ParameterTracker learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final MomentStore moments;
    private final FusedAdamWKernel kernel;

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
        this.kernel = new FusedAdamWKernel(manager);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        updateAll(List.of(parameterId), List.of(weight), List.of(grad));
    }

    /**
     * {@link #update} of many parameters in one fused call per (step, learning rate) group; each weight's own
     * gradient is zeroed afterwards. {@code grads.get(i)} is the gradient of {@code weights.get(i)}.
     */
    public void updateAll(List<String> parameterIds, List<NDArray> weights, List<NDArray> grads) {
        Map<String, List<Integer>> groups = new LinkedHashMap<>(); // (t, lr) → indices: usually one group
        int[] ts = new int[weights.size()];
        float[] lrs = new float[weights.size()];
        for (int i = 0; i < weights.size(); i++) {
            String id = parameterIds.get(i);
            ts[i] = updateCount(id);
            lrs[i] = learningRate.getNewValue(id, ts[i]);
            if (!Float.isFinite(lrs[i])) {
                throw new IllegalStateException("learning rate is not finite: " + lrs[i] + " at step " + ts[i]);
            }
            groups.computeIfAbsent(ts[i] + "/" + lrs[i], k -> new ArrayList<>()).add(i);
        }
        for (List<Integer> group : groups.values()) {
            List<NDArray> w = new ArrayList<>(group.size());
            List<NDArray> g = new ArrayList<>(group.size());
            List<NDArray> m = new ArrayList<>(group.size());
            List<NDArray> v = new ArrayList<>(group.size());
            try (NDManager scope = NDManager.subManagerOf(grads.get(group.get(0)))) {
                for (int i : group) {
                    NDArray[] mv = moments.of(parameterIds.get(i), weights.get(i));
                    scope.tempAttachAll(grads.get(i));
                    w.add(weights.get(i));
                    g.add(Gradients.rescaleAndClip(grads.get(i), rescaleGrad, clipGrad));
                    m.add(mv[0]);
                    v.add(mv[1]);
                }
                int first = group.get(0);
                kernel.step(w, g, m, v, ts[first], lrs[first], beta1, beta2, getWeightDecay(), epsilon);
            }
        }
        weights.forEach(Gradients::zero);
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
