package dev.normlab.api.spec;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;

/**
 * Learning-rate schedule: linear warmup, then cosine decay to a floor, as in both papers.
 *
 * @param warmupFraction share of the steps spent warming up (papers: 0.1)
 * @param minLrRatio floor of the cosine as a share of the peak (papers: 0.1)
 */
public record ScheduleSpec(
        @NotNull @DecimalMin("0") @DecimalMax("1") Double warmupFraction,
        @NotNull @DecimalMin("0") @DecimalMax("1") Double minLrRatio) {

    public static final double DEFAULT_WARMUP_FRACTION = 0.1;
    public static final double DEFAULT_MIN_LR_RATIO = 0.1;

    public ScheduleSpec {
        warmupFraction = warmupFraction != null ? warmupFraction : DEFAULT_WARMUP_FRACTION;
        minLrRatio = minLrRatio != null ? minLrRatio : DEFAULT_MIN_LR_RATIO;
    }

    public static ScheduleSpec defaults() {
        return new ScheduleSpec(null, null);
    }

    /** The learning rate at {@code step} of {@code totalSteps} for a peak of {@code peak}. */
    public double lrAt(long step, long totalSteps, double peak) {
        long warmup = Math.round(warmupFraction * totalSteps);
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        long decaySteps = Math.max(1, totalSteps - warmup);
        double progress = Math.min(1.0, (double) (step - warmup) / decaySteps);
        double floor = peak * minLrRatio;
        return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
