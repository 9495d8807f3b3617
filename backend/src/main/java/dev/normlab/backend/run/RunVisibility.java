package dev.normlab.backend.run;

import dev.normlab.backend.team.Caller;
import org.springframework.stereotype.Component;

/** {@link RunAccess} for other features: a run is visible to members of its project's team only. */
@Component
class RunVisibility implements RunAccess {

    private final RunRepository runs;

    RunVisibility(RunRepository runs) {
        this.runs = runs;
    }

    @Override
    public void requireVisible(Caller caller, long runId) {
        if (caller.isWorker() || !runs.isVisible(runId, caller.teamIds())) {
            throw new RunNotFoundException(runId);
        }
    }
}
