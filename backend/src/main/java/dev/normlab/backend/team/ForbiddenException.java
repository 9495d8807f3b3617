package dev.normlab.backend.team;

import dev.normlab.backend.system.ApiException;
import org.springframework.http.HttpStatus;

/** An authenticated caller whose token kind or team role does not allow the operation: 403. */
public class ForbiddenException extends ApiException {

    public ForbiddenException(String message) {
        super(HttpStatus.FORBIDDEN, message);
    }
}
