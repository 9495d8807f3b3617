package dev.normlab.backend.team;

/** No bearer token, or one that is unknown or revoked: 401. */
public class UnauthorizedException extends RuntimeException {

    public UnauthorizedException(String message) {
        super(message);
    }
}
