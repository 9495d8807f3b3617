package dev.normlab.backend.support;

import dev.normlab.api.spec.RunSpec;
import dev.normlab.backend.run.RunService;
import dev.normlab.backend.team.Caller;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Queues many runs through the real service (no HTTP), for queue tests and benchmarks. */
@Component
public class Submitter {

    private final RunService runs;
    private final Fixtures fixtures;
    private final JsonMapper json;

    Submitter(RunService runs, Fixtures fixtures, JsonMapper json) {
        this.runs = runs;
        this.fixtures = fixtures;
        this.json = json;
    }

    /** Submits {@code count} runs into the team's project; returns their ids in submit order. */
    public long[] submit(Fixtures.Team team, int count) {
        Caller caller = fixtures.caller(team.bearer());
        RunSpec spec = json.readValue(team.spec("sinkgd"), RunSpec.class);
        long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
            ids[i] = runs.submit(caller, spec).id();
        }
        return ids;
    }
}
