package dev.normlab.backend.run;

import dev.normlab.backend.system.ApiException;
import org.springframework.http.HttpStatus;

/** A run that does not exist, or that the caller may not see: both are 404. */
public class RunNotFoundException extends ApiException {

    private final long runId;

    public RunNotFoundException(long runId) {
        super(HttpStatus.NOT_FOUND, "run " + runId + " not found");
        this.runId = runId;
    }

    public long runId() {
        return runId;
    }
}
