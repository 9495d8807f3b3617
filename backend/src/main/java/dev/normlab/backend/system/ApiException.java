package dev.normlab.backend.system;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A failure that knows its own HTTP status. Spring renders it as problem+json, so the exception handler in
 * {@code system/} needs to know no feature's exceptions.
 */
public class ApiException extends ErrorResponseException {

    public ApiException(HttpStatus status, String detail) {
        super(status, ProblemDetail.forStatusAndDetail(status, detail), null);
    }

    @Override
    public String getMessage() {
        return getBody().getDetail();
    }
}
