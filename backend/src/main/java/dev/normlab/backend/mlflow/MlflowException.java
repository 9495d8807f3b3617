package dev.normlab.backend.mlflow;

/** A failure of the MLflow API, answered as MLflow's {@code {"error_code", "message"}} with the code's status. */
class MlflowException extends RuntimeException {

    final MlflowErrorCode code;

    MlflowException(MlflowErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    static MlflowException invalid(String message) {
        return new MlflowException(MlflowErrorCode.INVALID_PARAMETER_VALUE, message);
    }

    static MlflowException notFound(String message) {
        return new MlflowException(MlflowErrorCode.RESOURCE_DOES_NOT_EXIST, message);
    }
}
