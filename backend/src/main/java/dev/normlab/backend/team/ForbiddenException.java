package dev.normlab.backend.team;

/** A valid token of the wrong kind for the endpoint (worker token on user endpoints and back): 403. */
public class ForbiddenException extends RuntimeException {

    public ForbiddenException(String message) {
        super(message);
    }
}
