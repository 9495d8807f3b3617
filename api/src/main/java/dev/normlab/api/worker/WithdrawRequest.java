package dev.normlab.api.worker;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * A worker shutting down while its long-poll claim waits ({@code POST /api/v1/worker/claim/withdraw}): the backend
 * answers that claim at once with nothing, so no run is handed to a connection that is about to close.
 *
 * @param workerName the name the waiting claim gave
 */
public record WithdrawRequest(@NotBlank @Size(max = 200) String workerName) {
}
