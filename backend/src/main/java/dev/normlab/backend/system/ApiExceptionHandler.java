package dev.normlab.backend.system;

import jakarta.validation.ConstraintViolationException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * The one place that turns failures into RFC 7807 problem+json. A 400 always lists every bad field in
 * {@code errors: [{field, message}]}, so a client (dashboard form, CLI) can point at it. Features' own failures
 * are {@link ApiException}s that carry their status, so this class knows no feature.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    @ExceptionHandler(InvalidRequestException.class)
    ProblemDetail invalid(InvalidRequestException e) {
        return badRequest(e.problems());
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ProblemDetail constraintViolation(ConstraintViolationException e) {
        return badRequest(FieldProblems.of(e.getConstraintViolations()));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        for (var error : e.getBindingResult().getAllErrors()) {
            String field = error instanceof FieldError f ? f.getField() : error.getObjectName();
            String message = error.getDefaultMessage();
            if (error instanceof FieldError f && f.contains(TypeMismatchException.class)) {
                // a query value the converters refused: their message lists what is allowed
                Throwable cause = org.springframework.core.NestedExceptionUtils.getMostSpecificCause(f.unwrap(TypeMismatchException.class));
                message = cause instanceof IllegalArgumentException && cause.getMessage() != null
                        ? cause.getMessage() : "'" + f.getRejectedValue() + "' is not a valid value";
            }
            problems.add(new FieldProblem(field, message));
        }
        problems.sort(java.util.Comparator.comparing(FieldProblem::field));
        return ResponseEntity.badRequest().body(badRequest(problems));
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        e.getParameterValidationResults().forEach(result -> {
            String name = result.getMethodParameter().getParameterName();
            result.getResolvableErrors().forEach(error -> problems.add(new FieldProblem(name, error.getDefaultMessage())));
        });
        return ResponseEntity.badRequest().body(badRequest(problems));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        if (causedBy(e, PayloadTooLargeException.class) != null) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                    .body(problem(HttpStatus.CONTENT_TOO_LARGE, causedBy(e, PayloadTooLargeException.class).getMessage()));
        }
        JacksonException jackson = causedBy(e, JacksonException.class);
        return ResponseEntity.badRequest().body(badRequest(List.of(jackson == null
                ? new FieldProblem("body", "is missing or not readable JSON") : FieldProblems.of(jackson))));
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String name = e instanceof MethodArgumentTypeMismatchException m ? m.getName() : e.getPropertyName();
        String type = e.getRequiredType() == null ? "the expected type" : e.getRequiredType().getSimpleName();
        return ResponseEntity.badRequest().body(badRequest(List.of(
                new FieldProblem(name, "'" + e.getValue() + "' is not a valid " + type))));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return ResponseEntity.badRequest().body(badRequest(List.of(new FieldProblem(e.getParameterName(), "is required"))));
    }

    private static <T extends Throwable> T causedBy(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    static ProblemDetail badRequest(List<FieldProblem> problems) {
        String detail = problems.size() == 1
                ? problems.get(0).field() + ": " + problems.get(0).message()
                : problems.size() + " invalid fields: " + String.join(", ", problems.stream().map(FieldProblem::field).toList());
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, detail);
        problem.setProperty("errors", problems);
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, String detail) {
        return ProblemDetail.forStatusAndDetail(status, detail);
    }
}
