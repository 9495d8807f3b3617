package dev.normlab.backend.events;

import java.util.Optional;

/**
 * What travels through NOTIFY: {@code s:<run>:<status>:<attempt>} for a state change,
 * {@code m:<run>:<fromStep>:<toStep>} for ingested points.
 */
record RunNotification(char kind, long runId, String status, long a, long b) {

    static final char STATE = 's';
    static final char METRICS = 'm';

    static RunNotification state(long runId, String status, int attempt) {
        return new RunNotification(STATE, runId, status, attempt, 0);
    }

    static RunNotification metrics(long runId, long fromStep, long toStep) {
        return new RunNotification(METRICS, runId, null, fromStep, toStep);
    }

    String payload() {
        return kind == STATE ? "s:" + runId + ":" + status + ":" + a : "m:" + runId + ":" + a + ":" + b;
    }

    /** Empty for payloads this version does not understand (a newer replica may send more kinds). */
    static Optional<RunNotification> parse(String payload) {
        String[] parts = payload.split(":");
        try {
            if (parts.length == 4 && parts[0].equals("s")) {
                return Optional.of(state(Long.parseLong(parts[1]), parts[2], Integer.parseInt(parts[3])));
            }
            if (parts.length == 4 && parts[0].equals("m")) {
                return Optional.of(metrics(Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3])));
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
