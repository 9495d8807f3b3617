package dev.normlab.backend.security;

import dev.normlab.backend.team.Caller;
import dev.normlab.backend.team.CallerDirectory;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Authorization: Bearer <token>} (and, for tools that only take a user and password, {@code Basic} with the
 * token as password) authenticates the request as the token's caller. A present but bad header is a 401 at once,
 * never a fall-back to the session or to anonymous.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";
    private static final String BASIC = "Basic ";

    private final CallerDirectory callers;
    private final AuthenticationEntryPoint entryPoint;

    BearerTokenFilter(CallerDirectory callers, AuthenticationEntryPoint entryPoint) {
        this.callers = callers;
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            chain.doFilter(request, response);
            return;
        }
        Optional<String> secret = secretOf(header);
        if (secret.isEmpty()) {
            entryPoint.commence(request, response, new BadCredentialsException(
                    "the Authorization header must be 'Bearer <token>' (or Basic with the token as password)"));
            return;
        }
        Optional<Caller> caller = callers.forToken(secret.get());
        if (caller.isEmpty()) {
            entryPoint.commence(request, response, new BadCredentialsException("unknown or revoked token"));
            return;
        }
        SecurityContextHolder.setContext(new SecurityContextImpl(new CallerAuthentication(caller.get())));
        chain.doFilter(request, response);
    }

    static boolean hasCredentialsHeader(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        return header != null && !header.isBlank();
    }

    private static Optional<String> secretOf(String header) {
        if (header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = header.substring(BEARER.length()).trim();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        }
        if (header.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(BASIC.length()).trim()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                String password = colon < 0 ? "" : decoded.substring(colon + 1);
                return password.isEmpty() ? Optional.empty() : Optional.of(password);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
