package dev.normlab.backend.system;

/** The request is valid but the resource's state forbids it (e.g. deleting a RUNNING run): 409. */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
