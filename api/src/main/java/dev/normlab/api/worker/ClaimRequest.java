package dev.normlab.api.worker;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * A worker asking for its next run ({@code POST /api/v1/worker/claim}).
 *
 * @param workerName shown on the run while it holds the lease
 * @param deviceKind {@code cpu} or {@code gpu}; a run asking for {@code any} fits both
 * @param deviceMemoryBytes memory of the device (GPU memory, or RAM for a CPU worker); runs whose analytic
 *     memory need exceeds it are skipped
 * @param waitSeconds how long the backend may hold the request open when nothing is queued (long poll);
 *     null = the server's default (25 s), 0 = answer at once
 * @param engine the worker's engine self-check (libtorch version, flavor, device); null from older workers
 */
public record ClaimRequest(
        @NotBlank @Size(max = 200) String workerName,
        @NotNull @Pattern(regexp = "cpu|gpu", message = "must be cpu or gpu") String deviceKind,
        @NotNull @Positive Long deviceMemoryBytes,
        @PositiveOrZero @Max(60) Integer waitSeconds,
        @Valid EngineReport engine) {

    /** A claim without an engine report (scripts, tests, workers before the self-check). */
    public ClaimRequest(String workerName, String deviceKind, Long deviceMemoryBytes, Integer waitSeconds) {
        this(workerName, deviceKind, deviceMemoryBytes, waitSeconds, null);
    }
}
