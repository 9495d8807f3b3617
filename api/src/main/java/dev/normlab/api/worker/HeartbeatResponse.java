package dev.normlab.api.worker;

/**
 * @param cancelRequested a user cancelled the run: stop, then finish it as CANCELLED
 * @param leaseSeconds the lease now lasts this long
 */
public record HeartbeatResponse(boolean cancelRequested, int leaseSeconds) {
}
