package dev.normlab.backend.run;

/**
 * Trained runs have a spec, wait in the queue and are executed by a NormLab worker; tracked runs are logged from
 * elsewhere through the MLflow-compatible API (params, tags and metrics, no spec, never queued).
 */
public enum RunKind {
    TRAINED, TRACKED
}
