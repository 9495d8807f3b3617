package dev.normlab.backend.security;

import dev.normlab.backend.system.ApiException;
import dev.normlab.backend.team.AccountService;
import dev.normlab.backend.team.Caller;
import dev.normlab.backend.team.MeView;
import dev.normlab.backend.team.UnauthorizedException;
import dev.normlab.backend.team.UserRepository;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Browser sign-in: {@code POST /api/v1/session} with username and password sets the session cookie (a new
 * session id every time) and a new CSRF token. Sign-out is {@code DELETE /api/v1/session} (the logout filter).
 */
@RestController
@RequestMapping("/api/v1/session")
class SessionController {

    private final AuthenticationManager passwords;
    private final LoginThrottle throttle;
    private final UserRepository users;
    private final AccountService accounts;
    private final SecurityContextRepository contexts;
    private final CookieCsrfTokenRepository csrfTokens;

    SessionController(AuthenticationManager passwords, LoginThrottle throttle, UserRepository users,
            AccountService accounts, SecurityContextRepository contexts, CookieCsrfTokenRepository csrfTokens) {
        this.passwords = passwords;
        this.throttle = throttle;
        this.users = users;
        this.accounts = accounts;
        this.contexts = contexts;
        this.csrfTokens = csrfTokens;
    }

    record Credentials(@NotBlank @Size(max = 200) String username, @NotBlank @Size(max = 1000) String password) {

        @Override
        public String toString() {
            return "Credentials[username=" + username + ", password=***]";
        }
    }

    static final class TooManyAttempts extends ApiException {
        TooManyAttempts(Duration retryAfter) {
            super(HttpStatus.TOO_MANY_REQUESTS, "too many failed sign-ins: try again in " + seconds(retryAfter) + " s");
            getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds(retryAfter)));
        }

        private static long seconds(Duration d) {
            return Math.max(1, (d.toMillis() + 999) / 1000);
        }
    }

    @PostMapping
    MeView signIn(@Valid @RequestBody Credentials credentials, HttpServletRequest request, HttpServletResponse response) {
        String username = credentials.username().trim();
        String address = request.getRemoteAddr();
        throttle.retryAfter(username, address).ifPresent(wait -> {
            throw new TooManyAttempts(wait);
        });
        try {
            passwords.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(username, credentials.password()));
        } catch (AuthenticationException e) {
            throttle.failed(username, address);
            throw new UnauthorizedException("wrong username or password");
        }
        throttle.succeeded(username);
        long userId = users.findByName(username).orElseThrow().getId();

        // session fixation: whatever session the browser brought gets a new id
        if (request.getSession(false) != null) {
            request.changeSessionId();
        }
        var authentication = UsernamePasswordAuthenticationToken.authenticated(new SessionPrincipal(userId), null,
                List.of(new SimpleGrantedAuthority(Authorities.USER)));
        contexts.saveContext(new SecurityContextImpl(authentication), request, response);
        csrfTokens.saveToken(csrfTokens.generateToken(request), request, response);
        Caller caller = accounts.callerFor(userId);
        return accounts.me(caller);
    }
}
