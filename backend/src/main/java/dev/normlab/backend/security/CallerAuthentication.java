package dev.normlab.backend.security;

import dev.normlab.backend.team.Caller;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/** An authenticated request: its principal is the {@link Caller} resolved for this request. */
final class CallerAuthentication extends AbstractAuthenticationToken {

    private final Caller caller;

    CallerAuthentication(Caller caller) {
        super(Authorities.of(caller));
        this.caller = caller;
        setAuthenticated(true);
    }

    @Override
    public Caller getPrincipal() {
        return caller;
    }

    @Override
    public Object getCredentials() {
        return null;
    }
}
