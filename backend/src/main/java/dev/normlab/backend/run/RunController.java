package dev.normlab.backend.run;

import dev.normlab.api.spec.RunSpec;
import dev.normlab.backend.team.Caller;
import jakarta.validation.Valid;
import jakarta.validation.groups.Default;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1/runs")
class RunController {

    private final RunService runs;

    RunController(RunService runs) {
        this.runs = runs;
    }

    /** Queues a run: 201 with the run (QUEUED) and its Location; a 400 names every invalid field. */
    @PostMapping
    ResponseEntity<RunView> submit(@Validated({Default.class, RunSpec.Submitted.class}) @RequestBody RunSpec spec, Caller caller) {
        return created(runs.submit(caller, spec));
    }

    @GetMapping
    RunPage list(Caller caller, @Valid RunListParams params) {
        return runs.list(caller, params.query());
    }

    @GetMapping("/{id}")
    RunView get(@PathVariable long id, Caller caller) {
        return runs.get(caller, id);
    }

    /** Every event of the run's life, oldest first. */
    @GetMapping("/{id}/history")
    List<RunHistory.Event> history(@PathVariable long id, Caller caller) {
        return runs.history(caller, id);
    }

    @PostMapping("/{id}/cancel")
    RunView cancel(@PathVariable long id, Caller caller) {
        return runs.cancel(caller, id);
    }

    /** Body: spec fields to override, merged into the original spec (e.g. {"optimizer": {"lr": 0.01}}). */
    @PostMapping("/{id}/clone")
    ResponseEntity<RunView> cloneRun(@PathVariable long id, @RequestBody(required = false) JsonNode overrides, Caller caller) {
        return created(runs.cloneRun(caller, id, overrides));
    }

    @PatchMapping("/{id}")
    RunView patch(@PathVariable long id, @Valid @RequestBody RunPatch patch, Caller caller) {
        return runs.patch(caller, id, patch);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable long id, Caller caller) {
        runs.delete(caller, id);
        return ResponseEntity.noContent().build();
    }

    private static ResponseEntity<RunView> created(RunView run) {
        return ResponseEntity.created(URI.create("/api/v1/runs/" + run.id())).body(run);
    }

}
