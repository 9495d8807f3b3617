package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * SinkGD (paper cited in {@link Transforms}): {@code W ← W − (alpha · eta_t) · SR-Sinkhorn(G, L)}, no state.
 *
 * <p>The step is applied in the fast form: the row and column scales r, c come from
 * {@link Transforms#sinkhornScales} and {@code −alpha·eta·X = G · (−alpha·eta·r) · c} is formed
 * once, in the same pass as the weight update.
 */
public final class SinkGd extends StatelessOptimizer {

    /** The papers' step multiplier. */
    public static final float DEFAULT_ALPHA = 0.05f;

    private final int rounds;
    private final float eps;

    private SinkGd(Builder builder) {
        super(builder);
        this.rounds = Checks.atLeastOne("rounds", builder.rounds);
        this.eps = Checks.positive("eps", builder.eps);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDArray scaledDirection(NDArray g, NDArray scale) {
        try (NDManager scope = NDManager.subManagerOf(g)) {
            scope.tempAttachAll(g, scale);
            NDList rc = Transforms.sinkhornScales(g, rounds, eps);
            NDArray x = g.toType(DataType.FLOAT32, false).mul(rc.get(0).muli(scale)).muli(rc.get(1));
            return scope.ret(x);
        }
    }

    @Override
    public String ruleName() {
        return "sinkgd(L=" + rounds + ", alpha=" + alpha() + ")";
    }

    /** Builds a {@link SinkGd}; defaults are the paper's: L = 5, alpha = 0.05, eps = 1e-8. */
    public static final class Builder extends StatelessOptimizer.Builder<Builder> {

        private int rounds = Transforms.DEFAULT_SINKHORN_ROUNDS;
        private float eps = Transforms.DEFAULT_EPS;

        Builder() {
            super(DEFAULT_ALPHA);
        }

        /** Number of SR-Sinkhorn rounds L. */
        public Builder optRounds(int rounds) {
            this.rounds = rounds;
            return this;
        }

        /** Clamp of the row and column norms. */
        public Builder optEps(float eps) {
            this.eps = eps;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        public SinkGd build() {
            return new SinkGd(this);
        }
    }
}
