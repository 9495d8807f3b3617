package dev.normlab.backend.run;

import dev.normlab.api.memory.OptimizerKind;
import dev.normlab.api.spec.RunSpec;
import dev.normlab.backend.system.FieldProblem;
import dev.normlab.backend.system.InvalidRequestException;
import dev.normlab.backend.team.Caller;
import jakarta.validation.Valid;
import jakarta.validation.groups.Default;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1/runs")
class RunController {

    static final int MAX_PAGE_SIZE = 500;

    private final RunService runs;

    RunController(RunService runs) {
        this.runs = runs;
    }

    /** Queues a run: 201 with the run (QUEUED) and its Location; a 400 names every invalid field. */
    @PostMapping
    ResponseEntity<RunView> submit(@Validated({Default.class, RunSpec.Submitted.class}) @RequestBody RunSpec spec, Caller caller) {
        return created(runs.submit(caller, spec));
    }

    /**
     * @param project project id or name
     * @param status comma-separated statuses
     * @param optimizer comma-separated optimizer names
     * @param name case-insensitive text in the run's name
     * @param submittedBy user name of the submitter
     * @param sort created, finished, finalLoss, or queue (claim order: priority, team virtual time, id)
     * @param order asc or desc (default: desc for times, asc for finalLoss)
     */
    @GetMapping
    RunPage list(Caller caller,
            @RequestParam(required = false) String project,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String optimizer,
            @RequestParam(required = false) String tag,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) String submittedBy,
            @RequestParam(defaultValue = "created") String sort,
            @RequestParam(required = false) String order,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        List<FieldProblem> problems = new ArrayList<>();
        List<RunStatus> statuses = new ArrayList<>();
        for (String s : split(status)) {
            try {
                statuses.add(RunStatus.valueOf(s.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem("status", "unknown status '" + s + "', expected one of " + Arrays.toString(RunStatus.values())));
            }
        }
        List<String> optimizers = new ArrayList<>();
        for (String o : split(optimizer)) {
            OptimizerKind.byId(o).ifPresentOrElse(k -> optimizers.add(k.id()), () -> problems.add(
                    new FieldProblem("optimizer", "unknown optimizer '" + o + "', expected one of " + OptimizerKind.ids())));
        }
        RunQuery.Sort sortBy = switch (sort) {
            case "created" -> RunQuery.Sort.CREATED;
            case "finished" -> RunQuery.Sort.FINISHED;
            case "finalLoss" -> RunQuery.Sort.FINAL_LOSS;
            case "queue" -> RunQuery.Sort.QUEUE;
            default -> {
                problems.add(new FieldProblem("sort", "unknown sort '" + sort + "', expected created, finished, finalLoss or queue"));
                yield RunQuery.Sort.CREATED;
            }
        };
        if (order != null && !order.equals("asc") && !order.equals("desc")) {
            problems.add(new FieldProblem("order", "must be asc or desc"));
        }
        if (page < 0) {
            problems.add(new FieldProblem("page", "must be 0 or more"));
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            problems.add(new FieldProblem("size", "must be between 1 and " + MAX_PAGE_SIZE));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        boolean ascending = order != null ? order.equals("asc") : sortBy == RunQuery.Sort.FINAL_LOSS;
        return runs.list(caller, new RunQuery(blankToNull(project), statuses, optimizers, blankToNull(tag),
                blankToNull(name), blankToNull(submittedBy), sortBy, ascending, page, size));
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

    private static List<String> split(String csv) {
        return csv == null ? List.of() : Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
