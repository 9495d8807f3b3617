package dev.normlab.backend.security;

import dev.normlab.backend.team.Caller;
import dev.normlab.backend.team.CallerDirectory;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns the session's {@link SessionPrincipal} into this request's {@link Caller} (fresh roles). A session whose
 * user was disabled or deleted is invalidated, and the request goes on as anonymous (401 where it matters).
 */
final class SessionCallerFilter extends OncePerRequestFilter {

    private final CallerDirectory callers;

    SessionCallerFilter(CallerDirectory callers) {
        this.callers = callers;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof SessionPrincipal session) {
            Optional<Caller> caller = callers.forUser(session.userId());
            if (caller.isPresent()) {
                // a new context for this request only: the one stored in the session keeps just the user id
                SecurityContextHolder.setContext(new SecurityContextImpl(new CallerAuthentication(caller.get())));
            } else {
                HttpSession httpSession = request.getSession(false);
                if (httpSession != null) {
                    httpSession.invalidate();
                }
                SecurityContextHolder.clearContext();
            }
        }
        chain.doFilter(request, response);
    }
}
