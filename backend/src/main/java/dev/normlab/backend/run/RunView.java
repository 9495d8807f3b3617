package dev.normlab.backend.run;

import dev.normlab.api.spec.RunSpec;
import dev.normlab.api.worker.Checkpoint;
import dev.normlab.api.worker.RunSummary;
import dev.normlab.backend.memory.MemoryView;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A run as the API shows it.
 *
 * @param attempt how many times a worker claimed it (0 = never)
 * @param infraFailures attempts lost to infrastructure (lease expiry)
 * @param codeFailures attempts that failed in the training code
 * @param notBefore a retried run waits until then (backoff)
 * @param checkpoint the latest checkpoint a re-claimed attempt resumes from
 * @param summary what the worker reported at the end (measured memory included)
 * @param memory the analytic estimate for the run's model and optimizer
 * @param submittedBy the user who submitted (or cloned) it
 * @param waitingReason why a QUEUED run no worker can take waits (too big, no worker of its device or team)
 * @param kind TRAINED (a spec, queued, run by a worker) or TRACKED (logged through the MLflow API: no spec, memory,
 *     summary or queue fields)
 * @param mlflowRunId a tracked run's MLflow run id (32 hex), null for trained runs
 * @param params a tracked run's MLflow params (empty for trained runs: their spec says it all)
 */
public record RunView(
        long id,
        long projectId,
        String project,
        String team,
        String name,
        List<String> tags,
        String notes,
        RunStatus status,
        int priority,
        int attempt,
        int infraFailures,
        int codeFailures,
        boolean cancelRequested,
        String workerName,
        OffsetDateTime leaseUntil,
        OffsetDateTime notBefore,
        Checkpoint checkpoint,
        String error,
        Double finalLoss,
        RunSummary summary,
        MemoryView memory,
        RunSpec spec,
        String submittedBy,
        String waitingReason,
        OffsetDateTime createdAt,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        OffsetDateTime updatedAt,
        RunKind kind,
        String mlflowRunId,
        java.util.Map<String, String> params) {
}
