package dev.normlab.backend.security;

import dev.normlab.backend.team.Caller;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** The authorities the filter chain checks: the kind of caller, and ADMIN for platform admins. */
final class Authorities {

    static final String USER = "USER";
    static final String WORKER = "WORKER";
    static final String ADMIN = "ADMIN";

    private Authorities() {
    }

    static List<GrantedAuthority> of(Caller caller) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        authorities.add(new SimpleGrantedAuthority(caller.isWorker() ? WORKER : USER));
        if (caller.admin()) {
            authorities.add(new SimpleGrantedAuthority(ADMIN));
        }
        return authorities;
    }
}
