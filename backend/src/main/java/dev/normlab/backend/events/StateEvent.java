package dev.normlab.backend.events;

/** Data of a {@code state} event. */
public record StateEvent(long runId, String status, int attempt) {

    boolean terminal() {
        return status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED");
    }
}
