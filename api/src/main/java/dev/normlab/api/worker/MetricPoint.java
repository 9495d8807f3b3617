package dev.normlab.api.worker;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * One value of one metric at one optimizer step. {@code (run, key, step)} is unique on the backend.
 *
 * @param key e.g. {@code train_loss}, {@code eval_ppl}, {@code lr}, {@code grad_norm}, {@code tokens_per_s}
 * @param tokens training tokens seen when the value was taken
 * @param seconds wall-clock seconds since the run started (summed over attempts)
 */
public record MetricPoint(
        @NotBlank @Pattern(regexp = "[a-z0-9_./-]{1,64}", message = "must be 1-64 of a-z 0-9 _ . / -") String key,
        @NotNull @PositiveOrZero Long step,
        @PositiveOrZero Long tokens,
        @PositiveOrZero Double seconds,
        @NotNull Double value) {
}
