package dev.normlab.api.worker;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/** A checkpoint the worker wrote: a later attempt resumes from it. */
public record CheckpointRequest(
        @NotNull @Positive Integer attempt,
        @NotNull @PositiveOrZero Long step,
        @NotBlank @Size(max = 4_000) String location) {
}
