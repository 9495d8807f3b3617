package dev.normlab.backend.mlflow;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Every failure under the MLflow API as MLflow's {@code {"error_code", "message"}}: MLflow clients read
 * {@code error_code} (a missing experiment must be RESOURCE_DOES_NOT_EXIST for {@code set_experiment} to create it).
 * Ahead of the problem+json handler, for the MLflow controller only. 401 and 403 of the security layer are shaped
 * the same way there ({@code ProblemResponses}).
 */
@RestControllerAdvice(assignableTypes = {MlflowController.class, MlflowFallback.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
class MlflowErrors {

    private static final Logger log = LoggerFactory.getLogger(MlflowErrors.class);

    static ResponseEntity<MlflowError> of(MlflowErrorCode code, String message) {
        return ResponseEntity.status(code.status).contentType(MediaType.APPLICATION_JSON)
                .body(new MlflowError(code.name(), message));
    }

    @ExceptionHandler(MlflowException.class)
    ResponseEntity<MlflowError> mlflow(MlflowException e) {
        return of(e.code, e.getMessage());
    }

    /** NormLab's own failures (another team's run, a viewer writing, an archived project) in MLflow's words. */
    @ExceptionHandler(ErrorResponseException.class)
    ResponseEntity<MlflowError> normlab(ErrorResponseException e) {
        String detail = e.getBody().getDetail() != null ? e.getBody().getDetail() : e.getMessage();
        return of(MlflowErrorCode.forStatus(e.getStatusCode().value()), detail);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<MlflowError> unreadable(HttpMessageNotReadableException e) {
        return of(MlflowErrorCode.BAD_REQUEST, "the request body is not readable JSON");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<MlflowError> missing(MissingServletRequestParameterException e) {
        return of(MlflowErrorCode.INVALID_PARAMETER_VALUE, "Missing value for required parameter '" + e.getParameterName() + "'");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<MlflowError> mismatch(MethodArgumentTypeMismatchException e) {
        return of(MlflowErrorCode.INVALID_PARAMETER_VALUE, "Invalid value '" + e.getValue() + "' for parameter '" + e.getName() + "'");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<MlflowError> unexpected(Exception e) {
        log.error("MLflow API request failed", e);
        return of(MlflowErrorCode.INTERNAL_ERROR, "internal error: " + e.getClass().getSimpleName());
    }
}
