package dev.normlab.api.worker;

import jakarta.validation.Valid;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * What a finished run achieved. Every field is optional: a run that failed early has little to report.
 *
 * @param finalLoss training loss at the last step
 * @param finalEvalLoss held-out loss of the last evaluation
 * @param perplexity exp(finalEvalLoss)
 */
public record RunSummary(
        Double finalLoss,
        Double finalEvalLoss,
        Double perplexity,
        @PositiveOrZero Double tokensPerSecond,
        @PositiveOrZero Long steps,
        @PositiveOrZero Long tokens,
        @PositiveOrZero Double seconds,
        @Valid MeasuredMemory memory) {
}
