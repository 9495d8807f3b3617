package dev.normlab.backend.run;

import dev.normlab.api.spec.RunFootprint;
import dev.normlab.api.spec.RunSpec;
import dev.normlab.api.worker.Checkpoint;
import dev.normlab.api.worker.RunSummary;
import dev.normlab.backend.memory.MemoryView;
import dev.normlab.backend.system.ConflictException;
import dev.normlab.backend.system.FieldProblems;
import dev.normlab.backend.system.InvalidRequestException;
import dev.normlab.backend.team.Caller;
import dev.normlab.backend.team.ForbiddenException;
import dev.normlab.backend.team.ProjectRepository;
import dev.normlab.backend.team.ProjectView;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.validation.groups.Default;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Submitting, reading and changing runs, always within the caller's teams: every member reads; owners and members
 * change; viewers get 403; another team's run is 404. Runs of an archived project are read-only.
 */
@Service
public class RunService {

    private final RunRepository runs;
    private final ProjectRepository projects;
    private final RunHistory history;
    private final Validator validator;
    private final ApplicationEventPublisher events;
    private final JsonMapper json;
    /** Reads stored JSON written by older versions without failing on fields since removed. */
    private final JsonMapper storedJson;

    RunService(RunRepository runs, ProjectRepository projects, RunHistory history, Validator validator,
            ApplicationEventPublisher events, JsonMapper json) {
        this.runs = runs;
        this.projects = projects;
        this.history = history;
        this.validator = validator;
        this.events = events;
        this.json = json;
        this.storedJson = json.rebuild().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }

    /** Queues a validated spec in the project it names (one of the caller's). */
    @Transactional
    public RunView submit(Caller caller, RunSpec spec) {
        RunView run = create(caller, spec, resolveProject(caller, spec.project()));
        history.record(run.id(), "submitted", RunHistory.Actor.of(caller), "into " + run.team() + "/" + run.project());
        return run;
    }

    private RunView create(Caller caller, RunSpec spec, ProjectView project) {
        requireChangeable(caller, project.teamId(), project.archived());
        RunFootprint footprint;
        try {
            footprint = RunFootprint.of(spec);
        } catch (ArithmeticException e) {
            throw new InvalidRequestException("batchSize", "batchSize x seqLen makes a memory need beyond any machine");
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("model", e.getMessage());
        }
        long id = runs.nextId();
        String name = spec.name() != null && !spec.name().isBlank()
                ? spec.name().trim()
                : spec.optimizer().name() + "-" + (spec.model().preset() != null ? spec.model().preset() : "custom") + "-" + id;
        runs.insert(id, new RunRepository.NewRun(project.id(), name, spec.tags(), json.writeValueAsString(spec),
                spec.optimizer().name(), spec.model().preset() != null ? spec.model().preset() : "custom",
                spec.device(), footprint.requiredBytes(), spec.priority(), caller.userId()), runs.stampVirtualTime(project.teamId()));
        events.publishEvent(new RunStateChanged(id, RunStatus.QUEUED, 0));
        return view(runs.find(id).orElseThrow());
    }

    public RunView get(Caller caller, long id) {
        return view(visible(caller, id));
    }

    public RunPage list(Caller caller, RunQuery query) {
        RunRepository.Page page = runs.list(query, caller.teamIds());
        int pages = (int) ((page.total() + query.size() - 1) / query.size());
        List<WaitingReason.SeenWorker> workers = page.rows().stream().anyMatch(r -> r.status() == RunStatus.QUEUED)
                ? runs.workersSeenLastHour() : List.of();
        return new RunPage(page.rows().stream().map(r -> view(r, workers)).toList(), query.page(), query.size(), page.total(), pages);
    }

    /** QUEUED runs are cancelled at once; RUNNING ones when their worker sees cancelRequested. */
    @Transactional
    public RunView cancel(Caller caller, long id) {
        RunRow run = changeable(caller, id, false);
        if (run.kind() == RunKind.TRACKED && runs.cancelTracked(id)) {
            // nobody heartbeats a tracked run: it ends at once (its MLflow client may still log to it)
            events.publishEvent(new RunStateChanged(id, RunStatus.CANCELLED, run.attempt()));
            history.record(id, "cancelled", RunHistory.Actor.of(caller), "tracked run, while RUNNING");
        } else if (runs.cancelQueued(id)) {
            events.publishEvent(new RunStateChanged(id, RunStatus.CANCELLED, run.attempt()));
            history.record(id, "cancelled", RunHistory.Actor.of(caller), "while QUEUED");
        } else if (runs.requestCancel(id)) {
            history.record(id, "cancel-requested", RunHistory.Actor.of(caller), "attempt " + run.attempt() + " on " + run.workerName());
        } else {
            throw new ConflictException("run " + id + " has already ended (" + runs.find(id).orElseThrow().status() + ")");
        }
        return view(runs.find(id).orElseThrow());
    }

    /**
     * Resubmits a run's spec with {@code overrides} merged in (JSON merge patch: objects merge, values replace,
     * null removes). The clone stays in the original's project unless the overrides name another.
     */
    @Transactional
    public RunView cloneRun(Caller caller, long id, JsonNode overrides) {
        RunRow original = visible(caller, id);
        if (original.kind() == RunKind.TRACKED) {
            throw new ConflictException("run " + id + " was tracked through MLflow: it has no spec to clone");
        }
        if (overrides != null && !overrides.isNull() && !overrides.isObject()) {
            throw new InvalidRequestException("body", "must be a JSON object of spec fields to override");
        }
        ObjectNode merged = (ObjectNode) json.readTree(original.specJson());
        if (overrides != null && overrides.isObject()) {
            merge(merged, (ObjectNode) overrides);
        }
        if (overrides == null || !overrides.has("name")) {
            String name = original.name() + " (clone)";
            // cut at 200 chars, never between the two halves of a surrogate pair (a lone one would be stored as '?')
            int end = name.length() <= 200 ? name.length() : Character.isHighSurrogate(name.charAt(199)) ? 199 : 200;
            merged.put("name", name.substring(0, end));
        }
        RunSpec spec;
        try {
            spec = json.treeToValue(merged, RunSpec.class);
        } catch (JacksonException e) {
            throw new InvalidRequestException(List.of(FieldProblems.of(e)));
        }
        validate(spec);
        boolean moved = overrides != null && overrides.has("project");
        ProjectView project = moved ? resolveProject(caller, spec.project())
                : projects.view(original.projectId()).orElseThrow(() -> new RunNotFoundException(id));
        RunView clone = create(caller, spec, project);
        history.record(clone.id(), "submitted", RunHistory.Actor.of(caller), "cloned from run " + id);
        history.record(id, "cloned", RunHistory.Actor.of(caller), "to run " + clone.id());
        return clone;
    }

    @Transactional
    public RunView patch(Caller caller, long id, RunPatch patch) {
        changeable(caller, id, true);
        runs.patch(id, patch.name() == null ? null : patch.name().trim(), patch.tags(), patch.notes());
        List<String> changed = new java.util.ArrayList<>();
        if (patch.name() != null) {
            changed.add("name");
        }
        if (patch.tags() != null) {
            changed.add("tags");
        }
        if (patch.notes() != null) {
            changed.add("notes");
        }
        history.record(id, "edited", RunHistory.Actor.of(caller), String.join(", ", changed));
        return view(runs.find(id).orElseThrow());
    }

    @Transactional
    public void delete(Caller caller, long id) {
        RunRow run = changeable(caller, id, true);
        // recorded first: the audit row outlives the run
        history.record(id, "deleted", RunHistory.Actor.of(caller), "'" + run.name() + "' (" + run.status() + ")");
        if (!runs.deleteUnlessRunning(id)) {
            throw new ConflictException("run " + id + " is RUNNING: cancel it first");
        }
    }

    public List<RunHistory.Event> history(Caller caller, long id) {
        visible(caller, id);
        return history.of(id);
    }

    /** A run the caller may change: visible (else 404), a member or owner of its team (else 403). */
    private RunRow changeable(Caller caller, long id, boolean archivedMatters) {
        RunRow run = visible(caller, id);
        requireChangeable(caller, run.teamId(), archivedMatters && run.projectArchived());
        return run;
    }

    private static void requireChangeable(Caller caller, long teamId, boolean archived) {
        if (!caller.mayChangeRunsOf(teamId)) {
            throw new ForbiddenException("viewers of a team cannot submit or change its runs");
        }
        if (archived) {
            throw new ConflictException("the project is archived (read-only)");
        }
    }

    RunRow visible(Caller caller, long id) {
        return runs.findVisible(id, caller.teamIds()).orElseThrow(() -> new RunNotFoundException(id));
    }

    /** The project a spec names: {@code team/project}, a project id, or a project name unique among the caller's teams. */
    private ProjectView resolveProject(Caller caller, String reference) {
        if (reference == null || reference.isBlank()) {
            throw new InvalidRequestException("project", "must name the project the run belongs to");
        }
        String ref = reference.trim();
        List<ProjectView> mine = projects.viewsOf(caller.teamIds());
        List<ProjectView> matches = mine.stream().filter(p -> ref.equals(p.team() + "/" + p.name())).toList();
        if (matches.isEmpty()) {
            matches = mine.stream().filter(p -> ref.equals(p.name()) || ref.equals(Long.toString(p.id()))).toList();
        }
        if (matches.size() > 1) {
            throw new InvalidRequestException("project", "'" + ref + "' exists in several of your teams: write team/project, one of "
                    + matches.stream().map(p -> p.team() + "/" + p.name()).sorted().toList());
        }
        return matches.stream().findFirst().orElseThrow(() -> new InvalidRequestException("project",
                "no project '" + ref + "' in your teams (create it with POST /api/v1/projects)"));
    }

    private void validate(RunSpec spec) {
        Set<ConstraintViolation<RunSpec>> violations = validator.validate(spec, Default.class, RunSpec.Submitted.class);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(FieldProblems.of(violations));
        }
    }

    private static void merge(ObjectNode target, ObjectNode patch) {
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            JsonNode value = field.getValue();
            JsonNode existing = target.get(field.getKey());
            if (value.isNull()) {
                target.remove(field.getKey());
            } else if (value.isObject() && existing != null && existing.isObject()) {
                merge((ObjectNode) existing, (ObjectNode) value);
            } else {
                target.set(field.getKey(), value);
            }
        }
    }

    RunView view(RunRow row) {
        return view(row, row.status() == RunStatus.QUEUED ? runs.workersSeenLastHour() : List.of());
    }

    private RunView view(RunRow row, List<WaitingReason.SeenWorker> workers) {
        // tracked runs (MLflow) have no spec, hence no memory footprint
        RunSpec spec = row.specJson() == null ? null : storedJson.readValue(row.specJson(), RunSpec.class);
        RunSummary summary = row.summaryJson() == null ? null : storedJson.readValue(row.summaryJson(), RunSummary.class);
        Checkpoint checkpoint = row.checkpointStep() == null ? null : new Checkpoint(row.checkpointStep(), row.checkpointLocation());
        return new RunView(row.id(), row.projectId(), row.project(), row.team(), row.name(), row.tags(), row.notes(),
                row.status(), row.priority(), row.attempt(), row.infraFailures(), row.codeFailures(), row.cancelRequested(),
                row.workerName(), row.leaseUntil(), row.notBefore(), checkpoint, row.error(), row.finalLoss(), summary,
                spec == null ? null : MemoryView.of(RunFootprint.of(spec)), spec, row.submittedBy(),
                WaitingReason.of(row, workers, java.time.OffsetDateTime.now()), row.createdAt(), row.startedAt(), row.finishedAt(),
                row.updatedAt(), row.kind(), row.mlflowRunId(), params(row.paramsJson()));
    }

    private Map<String, String> params(String paramsJson) {
        if (paramsJson == null) {
            return Map.of();
        }
        Map<String, String> params = new java.util.TreeMap<>();
        json.readTree(paramsJson).properties().forEach(e -> params.put(e.getKey(), e.getValue().asString()));
        return params;
    }
}
