package dev.normlab.backend.queue;

import dev.normlab.backend.system.ApiException;
import org.springframework.http.HttpStatus;

/** A worker call from an attempt that no longer holds the run's lease: 409, nothing changes. */
public class LeaseLostException extends ApiException {

    public LeaseLostException(long runId, int attempt) {
        super(HttpStatus.CONFLICT, "attempt " + attempt + " of run " + runId + " no longer holds the lease");
    }
}
