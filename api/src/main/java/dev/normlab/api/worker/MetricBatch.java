package dev.normlab.api.worker;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Points sent by {@code attempt} ({@code POST /api/v1/worker/runs/{id}/metrics}); re-sending it stores nothing twice. */
public record MetricBatch(
        @NotNull @Positive Integer attempt,
        @NotNull @Size(max = 10_000) List<@NotNull @Valid MetricPoint> points) {
}
