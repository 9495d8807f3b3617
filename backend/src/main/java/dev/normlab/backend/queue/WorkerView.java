package dev.normlab.backend.queue;

import java.time.OffsetDateTime;

/**
 * A worker seen in the last hour.
 *
 * @param team the team whose runs it takes; null for a platform worker (any team)
 * @param busy whether it holds a run now
 * @param currentRunId the run it holds, when that run is one of the caller's teams' (else null even if busy)
 * @param engine the engine self-check the worker reported (JSON), when it sent one
 */
public record WorkerView(String name, String deviceKind, long deviceMemoryBytes, String team, boolean busy,
        Long currentRunId, OffsetDateTime lastSeenAt, Object engine) {
}
