package dev.normlab.backend.mlflow;

import org.springframework.http.HttpStatus;

/** MLflow's error codes (databricks.proto) that this API answers, with the HTTP status MLflow's server gives each. */
enum MlflowErrorCode {
    INVALID_PARAMETER_VALUE(HttpStatus.BAD_REQUEST),
    RESOURCE_ALREADY_EXISTS(HttpStatus.BAD_REQUEST),
    INVALID_STATE(HttpStatus.BAD_REQUEST),
    BAD_REQUEST(HttpStatus.BAD_REQUEST),
    UNAUTHENTICATED(HttpStatus.UNAUTHORIZED),
    PERMISSION_DENIED(HttpStatus.FORBIDDEN),
    RESOURCE_DOES_NOT_EXIST(HttpStatus.NOT_FOUND),
    ENDPOINT_NOT_FOUND(HttpStatus.NOT_FOUND),
    REQUEST_LIMIT_EXCEEDED(HttpStatus.TOO_MANY_REQUESTS),
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR);

    final HttpStatus status;

    MlflowErrorCode(HttpStatus status) {
        this.status = status;
    }

    /** The code for a NormLab failure of this status (another feature's exception thrown under the MLflow API). */
    static MlflowErrorCode forStatus(int status) {
        return switch (status) {
            case 409 -> INVALID_STATE;
            case 400, 413, 415 -> INVALID_PARAMETER_VALUE;
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> RESOURCE_DOES_NOT_EXIST;
            case 429 -> REQUEST_LIMIT_EXCEEDED;
            default -> INTERNAL_ERROR;
        };
    }
}
