package dev.normlab.backend.team;

import dev.normlab.backend.system.ApiException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** No credentials, or unknown, revoked or expired ones: 401 with {@code WWW-Authenticate: Bearer}. */
public class UnauthorizedException extends ApiException {

    public static final String CHALLENGE = "Bearer realm=\"normlab\"";

    public UnauthorizedException(String message) {
        super(HttpStatus.UNAUTHORIZED, message);
        getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
    }
}
