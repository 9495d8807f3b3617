package dev.normlab.backend.run;

/** QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED; RUNNING → QUEUED on lease expiry, release or retry. */
public enum RunStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
