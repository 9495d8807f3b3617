package dev.normlab.backend.system;

import org.springframework.http.HttpStatus;

/** The request is valid but the resource's state forbids it (e.g. deleting a RUNNING run): 409. */
public class ConflictException extends ApiException {

    public ConflictException(String message) {
        super(HttpStatus.CONFLICT, message);
    }
}
