package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.util.List;
import java.util.Map;

/**
 * SGD with optional heavy-ball momentum, as in {@code torch.optim.SGD} (no dampening):
 * {@code b ← mu·b + g ; w ← w − lr·b} (with mu = 0: {@code w ← w − lr·g}, no state).
 * The memory floor the stateless methods are compared with.
 */
public final class Sgd extends Optimizer implements StatefulRule, AutoCloseable {

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
        // without momentum there is no buffer at all
        this.buffers = new MomentStore(manager, momentum == 0f ? List.of() : List.of("momentum_buffer"));
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

    /** The live {@code momentum_buffer} of a parameter, allocated as zeros first; empty without momentum. */
    @Override
    public Map<String, NDArray> state(String parameterId, NDArray weight) {
        return buffers.named(parameterId, weight);
    }

    /** The live momentum buffer of a parameter, empty before its first update or allocation, or without momentum. */
    @Override
    public Map<String, NDArray> state(String parameterId) {
        return buffers.named(parameterId);
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
