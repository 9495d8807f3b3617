package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.util.List;

/**
 * A stateless matrix optimizer: {@code W ← W − (alpha · eta_t) · X(G)} where X is a pure
 * transform of the current gradient (SR-Sinkhorn for {@link SinkGd}, GradNorm + whitening for
 * {@link Swan}). No persistent array per parameter; the transient buffers of a step are closed
 * before {@code update} returns.
 *
 * <p>Two entry points, tested equal: {@link #update} (DJL's per-parameter call) and
 * {@link #updateStack} (a stack of same-shaped matrices normalized in one batched call).
 * Not thread-safe: DJL's parameter server calls {@code update} sequentially.
 */
public abstract class StatelessOptimizer extends Optimizer implements StateSize {

    private final ParameterTracker learningRate;
    private final float alpha;

    protected StatelessOptimizer(Builder<?> builder) {
        super(builder);
        this.learningRate = Checks.required("learningRateTracker", builder.learningRate);
        this.alpha = Checks.positive("alpha", builder.alpha);
    }

    /**
     * {@code scale · X(G)} in fp32 for a matrix {@code (m, n)} or a stack {@code (B, m, n)};
     * {@code scale} is a scalar array or one of shape {@code (B, 1, 1)}. The result lives on
     * g's manager.
     */
    protected abstract NDArray scaledDirection(NDArray g, NDArray scale);

    /** Short name of the rule, as shown in the routing table. */
    public abstract String ruleName();

    public float alpha() {
        return alpha;
    }

    /** {@inheritDoc} */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        if (weight.getShape().dimension() != 2) {
            throw new IllegalArgumentException(ruleName() + " updates matrices only; parameter " + parameterId
                    + " has shape " + weight.getShape() + " (route it to AdamW)");
        }
        float step = alpha * learningRate.getNewValue(parameterId, updateCount(parameterId));
        try (NDManager scope = NDManager.subManagerOf(grad)) {
            scope.tempAttachAll(grad); // every intermediate lands in scope
            NDArray g = Gradients.rescaleAndClip(grad, rescaleGrad, clipGrad);
            NDArray delta = scaledDirection(g, scope.create(-step));
            weight.addi(delta.toType(weight.getDataType(), false));
        }
        Gradients.zero(weight);
    }

    /**
     * Updates a group of same-shaped matrices from their stacked gradients in one batched
     * transform. Slice {@code i} of {@code gradStack} is the gradient of {@code weights.get(i)};
     * each weight's own gradient is zeroed afterwards. Equal to calling {@link #update} on each.
     *
     * @param parameterIds ids as DJL passes them (for the learning-rate tracker and step count)
     * @param weights the weights, each {@code (m, n)}
     * @param gradStack {@code (B, m, n)}, left untouched (the caller closes it)
     */
    public void updateStack(List<String> parameterIds, List<NDArray> weights, NDArray gradStack) {
        int b = weights.size();
        if (parameterIds.size() != b || gradStack.getShape().get(0) != b) {
            throw new IllegalArgumentException("parameterIds, weights and gradStack disagree: "
                    + parameterIds.size() + ", " + b + ", " + gradStack.getShape());
        }
        float[] steps = new float[b];
        for (int i = 0; i < b; i++) {
            String id = parameterIds.get(i);
            steps[i] = -alpha * learningRate.getNewValue(id, updateCount(id));
        }
        try (NDManager scope = NDManager.subManagerOf(gradStack)) {
            scope.tempAttachAll(gradStack);
            NDArray g = Gradients.rescaleAndClip(gradStack, rescaleGrad, clipGrad);
            NDArray delta = scaledDirection(g, scope.create(steps, new Shape(b, 1, 1)));
            Shape shape = gradStack.getShape();
            // (B·m, n) split in B: the B matrices as views in one native call instead of B indexing calls
            NDList slices = delta.reshape(b * shape.get(1), shape.get(2)).split(b);
            for (int i = 0; i < b; i++) {
                NDArray w = weights.get(i);
                w.addi(slices.get(i).toType(w.getDataType(), false));
            }
        }
        weights.forEach(Gradients::zero);
    }

    /** Always 0: nothing survives a step. */
    @Override
    public long stateBytes() {
        return 0;
    }

    /** Always 0: nothing survives a step. */
    @Override
    public long stateBytes(String parameterId) {
        return 0;
    }

    /** Builder shared by the stateless optimizers. */
    @SuppressWarnings("unchecked")
    public abstract static class Builder<T extends Builder<T>> extends OptimizerBuilder<T> {

        private ParameterTracker learningRate;
        private float alpha;

        protected Builder(float defaultAlpha) {
            this.alpha = defaultAlpha;
        }

        /** The scheduled global learning rate eta_t (the trainer's warmup + cosine). */
        public T setLearningRateTracker(ParameterTracker learningRate) {
            this.learningRate = learningRate;
            return self();
        }

        /** The step multiplier: {@code W ← W − alpha · eta_t · X}. */
        public T optAlpha(float alpha) {
            this.alpha = alpha;
            return self();
        }
    }
}
