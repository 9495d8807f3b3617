package dev.normlab.backend.mlflow;

import com.fasterxml.jackson.annotation.JsonProperty;

/** MLflow's error body. */
record MlflowError(@JsonProperty("error_code") String errorCode, String message) {
}
