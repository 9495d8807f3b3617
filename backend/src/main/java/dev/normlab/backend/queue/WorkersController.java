package dev.normlab.backend.queue;

import dev.normlab.backend.team.Caller;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/v1/workers}: the platform's workers and the caller's teams' own, seen in the last hour. */
@RestController
class WorkersController {

    private final WorkerRegistry registry;
    private final JsonMapper json;

    WorkersController(WorkerRegistry registry, JsonMapper json) {
        this.registry = registry;
        this.json = json;
    }

    @GetMapping("/api/v1/workers")
    List<WorkerView> list(Caller caller) {
        return registry.recent(caller.teamIds()).stream().map(w -> new WorkerView(w.name(), w.deviceKind(),
                w.deviceMemoryBytes(), w.team(), w.currentRunId() != null,
                w.currentRunTeamId() != null && caller.teamIds().contains(w.currentRunTeamId()) ? w.currentRunId() : null,
                w.lastSeenAt(), w.engine() == null ? null : json.readTree(w.engine()))).toList();
    }
}
