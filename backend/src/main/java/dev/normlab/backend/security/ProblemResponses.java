package dev.normlab.backend.security;

import dev.normlab.backend.team.UnauthorizedException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** 401 and 403 from the filter chain as problem+json, like every other error of the API. */
@Component
class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final String WORKER_PATHS = "/api/v1/worker/";
    private static final String MLFLOW_PATHS = "/mlflow/";

    private final JsonMapper json;

    ProblemResponses(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        String detail = e.getMessage() != null && !e.getMessage().startsWith("Full authentication")
                ? e.getMessage()
                : "sign in, or send 'Authorization: Bearer <token>'";
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, UnauthorizedException.CHALLENGE);
        write(request, response, HttpStatus.UNAUTHORIZED, detail);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        String detail;
        if (e instanceof CsrfException) {
            detail = "missing or invalid CSRF token: send the XSRF-TOKEN cookie's value in the X-XSRF-TOKEN header";
        } else if (path(request).startsWith(WORKER_PATHS)) {
            detail = "worker endpoints need a worker token";
        } else if (path(request).startsWith("/api/") || path(request).startsWith(MLFLOW_PATHS)) {
            detail = "a worker token may only call /api/v1/worker/** (the MLflow API takes a user token)";
        } else {
            detail = "not allowed with these credentials";
        }
        write(request, response, HttpStatus.FORBIDDEN, detail);
    }

    private void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        if (path(request).startsWith(MLFLOW_PATHS)) {
            // MLflow clients read MLflow's error shape (error_code), not problem+json
            response.setStatus(status.value());
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            json.writeValue(response.getOutputStream(), java.util.Map.of(
                    "error_code", status == HttpStatus.UNAUTHORIZED ? "UNAUTHENTICATED" : "PERMISSION_DENIED", "message", detail));
            return;
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(URI.create(request.getRequestURI()));
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }

    private static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }
}
