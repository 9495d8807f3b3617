package dev.normlab.api.worker;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * The end of an attempt ({@code POST /api/v1/worker/runs/{id}/finish}).
 *
 * @param failure only for FAILED: decides whether the run is retried (null = CODE)
 * @param error what went wrong, shown on the run (FAILED)
 */
public record FinishRequest(
        @NotNull @Positive Integer attempt,
        @NotNull RunOutcome status,
        FailureKind failure,
        @Size(max = 20_000) String error,
        @Valid RunSummary summary) {
}
