package dev.normlab.backend.mlflow;

import dev.normlab.backend.run.RunStatus;
import java.util.Arrays;

/** MLflow's run statuses and NormLab's: RUNNING, FINISHED ↔ SUCCEEDED, FAILED, KILLED ↔ CANCELLED. */
enum MlflowStatus {
    RUNNING(RunStatus.RUNNING), FINISHED(RunStatus.SUCCEEDED), FAILED(RunStatus.FAILED), KILLED(RunStatus.CANCELLED);

    final RunStatus normlab;

    MlflowStatus(RunStatus normlab) {
        this.normlab = normlab;
    }

    static MlflowStatus of(RunStatus status) {
        return switch (status) {
            // a tracked run is never QUEUED; a trained one waiting in the queue has not started
            case QUEUED, RUNNING -> RUNNING;
            case SUCCEEDED -> FINISHED;
            case FAILED -> FAILED;
            case CANCELLED -> KILLED;
        };
    }

    /** @throws MlflowException INVALID_PARAMETER_VALUE for SCHEDULED (NormLab's queue is not MLflow's) and unknown names */
    static MlflowStatus parse(String name) {
        return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> MlflowException.invalid(
                "Invalid run status '" + name + "': NormLab tracks RUNNING, FINISHED, FAILED and KILLED (SCHEDULED is not supported)"));
    }
}
