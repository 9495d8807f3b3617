package dev.normlab.backend.team;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Every {@code /api/**} call needs a token; worker tokens reach only {@code /api/v1/worker/**} and user
 * tokens everything else. Failures are thrown so the one exception handler renders them as problem+json.
 */
@Component
public class AuthInterceptor implements HandlerInterceptor {

    static final String CALLER_ATTRIBUTE = Caller.class.getName();
    private static final String WORKER_PATHS = "/api/v1/worker/";

    private final Authenticator authenticator;

    AuthInterceptor(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Caller caller = authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION));
        boolean workerPath = request.getRequestURI().substring(request.getContextPath().length()).startsWith(WORKER_PATHS);
        if (workerPath && !caller.isWorker()) {
            throw new ForbiddenException("worker endpoints need a worker token");
        }
        if (!workerPath && caller.isWorker()) {
            throw new ForbiddenException("a worker token may only call /api/v1/worker/**");
        }
        request.setAttribute(CALLER_ATTRIBUTE, caller);
        return true;
    }
}
