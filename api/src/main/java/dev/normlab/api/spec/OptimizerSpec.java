package dev.normlab.api.spec;

import dev.normlab.api.memory.OptimizerKind;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * The optimizer and its hyperparameters. Missing fields take the papers' defaults (OPTIMIZERS.md).
 * {@code lr} is the peak eta of the schedule; the stateless update is {@code W -= alpha * eta * X},
 * and the AdamW groups (embedding, head, gains) use eta itself.
 *
 * @param name adamw, sgd, sinkgd or swan
 * @param lr peak learning rate eta
 * @param alpha SinkGD/SWAN step scale
 * @param sinkhornRounds SinkGD's L
 * @param newtonSchulzSteps SWAN's k
 * @param momentum SGD momentum (0 = plain SGD, no state)
 */
public record OptimizerSpec(
        @NotNull @KnownOptimizer String name,
        @NotNull @Positive @DecimalMax("10") Double lr,
        @NotNull @Positive @DecimalMax("100") Double alpha,
        @NotNull @Positive @Max(100) Integer sinkhornRounds,
        @NotNull @Positive @Max(100) Integer newtonSchulzSteps,
        @NotNull @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) Double beta1,
        @NotNull @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) Double beta2,
        @NotNull @Positive @DecimalMax("1") Double eps,
        @NotNull @PositiveOrZero @DecimalMax("10") Double weightDecay,
        @NotNull @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) Double momentum) {

    public static final double DEFAULT_ADAMW_LR = 1e-3;
    /** SinkGD's peak eta in arXiv 2502.06742; measured too high on Europarl (OPTIMIZERS.md). */
    public static final double DEFAULT_STATELESS_LR = 0.02;
    public static final double DEFAULT_ALPHA = 0.05;
    public static final int DEFAULT_SINKHORN_ROUNDS = 5;
    public static final int DEFAULT_NEWTON_SCHULZ_STEPS = 10;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPS = 1e-8;

    public OptimizerSpec {
        name = name == null ? null : name.trim().toLowerCase(java.util.Locale.ROOT);
        if (lr == null) {
            lr = OptimizerKind.byId(name).orElse(null) == OptimizerKind.ADAMW ? DEFAULT_ADAMW_LR : DEFAULT_STATELESS_LR;
        }
        alpha = alpha != null ? alpha : DEFAULT_ALPHA;
        sinkhornRounds = sinkhornRounds != null ? sinkhornRounds : DEFAULT_SINKHORN_ROUNDS;
        newtonSchulzSteps = newtonSchulzSteps != null ? newtonSchulzSteps : DEFAULT_NEWTON_SCHULZ_STEPS;
        beta1 = beta1 != null ? beta1 : DEFAULT_BETA1;
        beta2 = beta2 != null ? beta2 : DEFAULT_BETA2;
        eps = eps != null ? eps : DEFAULT_EPS;
        weightDecay = weightDecay != null ? weightDecay : 0.0;
        momentum = momentum != null ? momentum : 0.0;
    }

    /** The named optimizer with every default. */
    public static OptimizerSpec of(String name) {
        return new OptimizerSpec(name, null, null, null, null, null, null, null, null, null);
    }

    /** The same optimizer at another peak learning rate. */
    public OptimizerSpec withLr(double newLr) {
        return new OptimizerSpec(name, newLr, alpha, sinkhornRounds, newtonSchulzSteps, beta1, beta2, eps, weightDecay, momentum);
    }

    public OptimizerKind kind() {
        return OptimizerKind.byId(name).orElseThrow(() -> new IllegalArgumentException("optimizer.name: unknown optimizer '" + name + "'"));
    }
}
