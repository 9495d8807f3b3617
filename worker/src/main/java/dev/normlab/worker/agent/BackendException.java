package dev.normlab.worker.agent;

/**
 * A backend call that did not succeed: an HTTP error (with the problem+json detail in the message) or an IO
 * error ({@link #status()} 0). {@link #retryable()} tells whether sending the same request again may succeed.
 */
public class BackendException extends RuntimeException {

    private final int status;

    public BackendException(int status, String message) {
        this(status, message, null);
    }

    public BackendException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, or 0 when no answer came (connection refused, timeout). */
    public int status() {
        return status;
    }

    /** IO errors, 5xx and 429 are transient; any other 4xx would fail again the same way. */
    public boolean retryable() {
        return status == 0 || status == 429 || status >= 500;
    }
}
