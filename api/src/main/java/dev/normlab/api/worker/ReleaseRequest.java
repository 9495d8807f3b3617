package dev.normlab.api.worker;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** A worker shutting down (SIGTERM) hands its run back to the queue without spending a retry. */
public record ReleaseRequest(@NotNull @Positive Integer attempt, @Size(max = 2_000) String reason) {
}
