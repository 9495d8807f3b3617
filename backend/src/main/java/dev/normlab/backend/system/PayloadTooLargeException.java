package dev.normlab.backend.system;

import java.io.IOException;

/** A request body over {@code normlab.api.max-request-size}: 413. An IOException so readers pass it up. */
public class PayloadTooLargeException extends IOException {

    public PayloadTooLargeException(long limit) {
        super("request body exceeds the limit of " + limit + " bytes");
    }
}
