package dev.normlab.backend.run;

import dev.normlab.backend.team.Caller;

/** Visibility of runs for other features (metrics, events, compare): one rule, kept by the run feature. */
public interface RunAccess {

    /**
     * @throws RunNotFoundException (404) when the run does not exist or belongs to a team the caller is not in,
     *     so ids of other teams do not leak
     */
    void requireVisible(Caller caller, long runId);
}
