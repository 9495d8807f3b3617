package dev.normlab.backend.run;

/** A run that does not exist, or that the caller may not see: both are 404. */
public class RunNotFoundException extends RuntimeException {

    private final long runId;

    public RunNotFoundException(long runId) {
        super("run " + runId + " not found");
        this.runId = runId;
    }

    public long runId() {
        return runId;
    }
}
