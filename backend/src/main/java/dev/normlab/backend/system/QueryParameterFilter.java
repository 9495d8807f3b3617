package dev.normlab.backend.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses a query string whose parameters PostgreSQL could not take as they are, with a 400 problem+json naming the
 * parameter: a NUL character ({@code ?name=%00}, PostgreSQL has no U+0000 in text: it was a 500), bytes that are not
 * UTF-8 (an encoded lone surrogate, {@code %ED%A0%80}, would otherwise become U+FFFD) or a broken {@code %} escape.
 * One check for every endpoint, before any controller binds a parameter.
 */
@Component
class QueryParameterFilter extends OncePerRequestFilter {

    private final JsonMapper json;

    QueryParameterFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        FieldProblem problem = firstProblem(request.getQueryString());
        if (problem == null) {
            chain.doFilter(request, response);
            return;
        }
        // the shape the exception handler gives every 400 (this runs before Spring MVC)
        ProblemDetail detail = ApiExceptionHandler.badRequest(List.of(problem));
        Map<String, Object> body = new LinkedHashMap<>();
        if (detail.getType() != null) {
            body.put("type", detail.getType().toString());
        }
        body.put("title", detail.getTitle());
        body.put("status", detail.getStatus());
        body.put("detail", detail.getDetail());
        body.put("instance", request.getRequestURI());
        body.put("errors", List.of(problem));
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(body));
    }

    /** The first bad parameter of a raw query string, or null. */
    static FieldProblem firstProblem(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name;
            try {
                name = decode(rawName);
            } catch (IllegalArgumentException e) {
                return new FieldProblem("query", "a parameter name " + e.getMessage());
            }
            String problem = StrictJsonConfiguration.problem(name);
            if (problem != null) {
                return new FieldProblem("query", "a parameter name " + problem);
            }
            if (eq >= 0) {
                try {
                    problem = StrictJsonConfiguration.problem(decode(pair.substring(eq + 1)));
                } catch (IllegalArgumentException e) {
                    problem = e.getMessage();
                }
                if (problem != null) {
                    return new FieldProblem(name, problem);
                }
            }
        }
        return null;
    }

    /** Percent-decodes as UTF-8, strictly: a malformed escape or byte sequence is an error, never U+FFFD. */
    private static String decode(String raw) {
        if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0 || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    throw new IllegalArgumentException("has a malformed %-escape");
                }
                bytes.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("is not valid UTF-8 (an encoded surrogate or a broken byte sequence)");
        }
    }
}
