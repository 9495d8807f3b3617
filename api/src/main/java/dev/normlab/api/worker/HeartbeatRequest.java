package dev.normlab.api.worker;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/** Extends the lease of {@code attempt}. */
public record HeartbeatRequest(@NotNull @Positive Integer attempt) {
}
