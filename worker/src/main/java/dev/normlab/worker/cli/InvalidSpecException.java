package dev.normlab.worker.cli;

/** A spec file that cannot be run: the message names the field. */
public final class InvalidSpecException extends RuntimeException {

    public InvalidSpecException(String message) {
        super(message);
    }

    public InvalidSpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
