package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * SWAN (paper cited in {@link Transforms}): {@code W ← W − (alpha · eta_t) · whiten(GradNorm(G))}, no state.
 * Whitening is coupled Newton–Schulz with factor 1/2 on the smaller side, rescaled to RMS 1
 * (see {@link Transforms#newtonSchulzWhiten}). Cost O(m²n) per matrix, far above SinkGD.
 */
public final class Swan extends StatelessOptimizer {

    /** The papers do not publish SWAN's multiplier: start from SinkGD's (OPTIMIZERS.md). */
    public static final float DEFAULT_ALPHA = SinkGd.DEFAULT_ALPHA;

    private final int steps;
    private final float eps;
    private final DataType whiteningType;

    private Swan(Builder builder) {
        super(builder);
        this.steps = Checks.atLeastOne("steps", builder.steps);
        this.eps = Checks.positive("eps", builder.eps);
        this.whiteningType = Checks.required("whiteningType", builder.whiteningType);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDArray scaledDirection(NDArray g, NDArray scale) {
        try (NDManager scope = NDManager.subManagerOf(g)) {
            scope.tempAttachAll(g, scale);
            return scope.ret(Transforms.swan(g, steps, eps, whiteningType).muli(scale));
        }
    }

    @Override
    public String ruleName() {
        return "swan(k=" + steps + ", alpha=" + alpha()
                + (whiteningType == DataType.FLOAT32 ? "" : ", whitening " + whiteningType.name().toLowerCase()) + ")";
    }

    /** Builds a {@link Swan}; defaults: k = 10 Newton–Schulz steps, alpha = 0.05, eps = 1e-8. */
    public static final class Builder extends StatelessOptimizer.Builder<Builder> {

        private int steps = Transforms.DEFAULT_NEWTON_SCHULZ_STEPS;
        private float eps = Transforms.DEFAULT_EPS;
        private DataType whiteningType = DataType.FLOAT32;

        Builder() {
            super(DEFAULT_ALPHA);
        }

        /** Number of coupled Newton–Schulz steps k (use k >= 10). */
        public Builder optSteps(int steps) {
            this.steps = steps;
            return this;
        }

        /** Clamp of the row std and of the Frobenius norms. */
        public Builder optEps(float eps) {
            this.eps = eps;
            return this;
        }

        /**
         * The dtype of the Newton–Schulz products (default fp32). BFLOAT16 is for GPUs (DJL 0.35.1 cannot run bf16 on
         * a CPU): the trainer uses it when a run's precision is bf16.
         */
        public Builder optWhiteningType(DataType whiteningType) {
            this.whiteningType = whiteningType;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        public Swan build() {
            return new Swan(this);
        }
    }
}
