package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;

/**
 * SGD with optional heavy-ball momentum, as in {@code torch.optim.SGD} (no dampening):
 * {@code b ← mu·b + g ; w ← w − lr·b} (with mu = 0: {@code w ← w − lr·g}, no state).
 * The memory floor the stateless methods are compared with.
 */
public final class Sgd extends Optimizer implements StateSize, AutoCloseable {

    private final ParameterTracker learningRate;
    private final float momentum;
    private final MomentStore buffers;

    private Sgd(Builder builder) {
        super(builder);
        this.learningRate = Checks.required("learningRateTracker", builder.learningRate);
        this.momentum = Checks.inUnitInterval("momentum", builder.momentum);
        NDManager manager = builder.manager != null
                ? builder.manager.newSubManager()
                : NDManager.newBaseManager();
        this.buffers = new MomentStore(manager, 1);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        float lr = learningRate.getNewValue(parameterId, updateCount(parameterId));
        try (NDManager scope = NDManager.subManagerOf(grad)) {
            scope.tempAttachAll(grad);
            NDArray lrArray = scope.create(lr).toType(weight.getDataType(), false);
            NDArray g = Gradients.rescaleAndClip(grad, rescaleGrad, clipGrad);
            if (momentum == 0f) {
                weight.subi(g.mul(lrArray));
            } else {
                NDArray b = buffers.of(parameterId, weight)[0];
                b.muli(momentum).addi(g);
                weight.subi(b.mul(lrArray));
            }
        }
        Gradients.zero(weight);
    }

    /**
     * Allocates the (zero) momentum buffer of a parameter up front, otherwise made on its first update: a resumed
     * run needs the live buffer to copy its checkpointed value into.
     */
    public void allocate(String parameterId, NDArray weight) {
        buffers.of(parameterId, weight);
    }

    /** The live momentum buffer of a parameter (empty without momentum): for checkpoints. */
    public ai.djl.ndarray.NDList state(String parameterId) {
        return buffers.live(parameterId);
    }

    @Override
    public long stateBytes() {
        return buffers.bytes();
    }

    @Override
    public long stateBytes(String parameterId) {
        return buffers.bytes(parameterId);
    }

    @Override
    public void close() {
        buffers.close();
    }

    /** Builds an {@link Sgd}; default momentum 0 (no state). */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private ParameterTracker learningRate;
        private float momentum;
        private NDManager manager;

        Builder() {}

        public Builder setLearningRateTracker(ParameterTracker learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder optMomentum(float momentum) {
            this.momentum = momentum;
            return this;
        }

        /** Parent of the manager owning the momentum buffers (default: a new base manager). */
        public Builder optManager(NDManager manager) {
            this.manager = manager;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        public Sgd build() {
            return new Sgd(this);
        }
    }
}
