package dev.normlab.backend.run;

import java.time.OffsetDateTime;
import java.util.List;

/** One row of {@code runs} with its project and team, as stored (spec and summary still JSON text). */
record RunRow(
        long id,
        long projectId,
        String project,
        long teamId,
        String team,
        String name,
        List<String> tags,
        String notes,
        String specJson,
        RunStatus status,
        int priority,
        int attempt,
        int infraFailures,
        int codeFailures,
        OffsetDateTime notBefore,
        String workerName,
        OffsetDateTime leaseUntil,
        boolean cancelRequested,
        Long checkpointStep,
        String checkpointLocation,
        String error,
        String summaryJson,
        Double finalLoss,
        String device,
        long requiredMemoryBytes,
        String submittedBy,
        boolean projectArchived,
        OffsetDateTime createdAt,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        OffsetDateTime updatedAt,
        RunKind kind,
        String mlflowRunId,
        String paramsJson) {
}
