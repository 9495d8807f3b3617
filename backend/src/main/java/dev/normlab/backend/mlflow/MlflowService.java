package dev.normlab.backend.mlflow;

import dev.normlab.api.memory.OptimizerKind;
import dev.normlab.api.worker.MetricPoint;
import dev.normlab.backend.metric.MetricIngestService;
import dev.normlab.backend.run.RunHistory;
import dev.normlab.backend.run.RunStateChanged;
import dev.normlab.backend.run.RunStatus;
import dev.normlab.backend.team.Caller;
import dev.normlab.backend.team.ProjectRepository;
import dev.normlab.backend.team.ProjectView;
import dev.normlab.backend.team.Team;
import dev.normlab.backend.team.TeamRepository;
import dev.normlab.backend.team.TeamService;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * MLflow's tracking API over NormLab: an experiment is a project of the caller's teams (experiment "0" is the
 * team's {@code default} project, or the project of a project-scoped base URI); an MLflow run is a run of kind
 * TRACKED in the same runs table and metric store. Another team's experiment or run does not exist
 * (RESOURCE_DOES_NOT_EXIST); viewers read, members and owners write (PERMISSION_DENIED).
 */
@Service
class MlflowService {

    static final String DEFAULT_EXPERIMENT_ID = "0";
    static final String DEFAULT_PROJECT = "default";
    /** The run's name as an MLflow tag: kept in {@code runs.name}, shown and searchable as this tag. */
    static final String RUN_NAME_TAG = "mlflow.runName";

    // MLflow's limits (mlflow/utils/validation.py)
    static final int MAX_METRICS_PER_BATCH = 1000;
    static final int MAX_PARAMS_TAGS_PER_BATCH = 100;
    static final int MAX_ENTITIES_PER_BATCH = 1000;
    static final int MAX_KEY_LENGTH = 250;
    static final int MAX_PARAM_VALUE_LENGTH = 6000;
    static final int MAX_TAG_VALUE_LENGTH = 8000;
    static final int MAX_SEARCH_RESULTS = 50_000;
    static final int DEFAULT_SEARCH_RESULTS = 1000;
    static final int MAX_HISTORY_RESULTS = 25_000;

    /** MLflow's rule for metric, param and tag keys: alphanumerics, underscores, dashes, periods, spaces, colons, slashes. */
    private static final Pattern KEY = Pattern.compile("[\\p{L}\\p{N}_\\-./ :]+");
    private static final Pattern RUN_ID = Pattern.compile("[0-9a-f]{32}");

    private final MlflowRepository runs;
    private final ProjectRepository projects;
    private final TeamRepository teams;
    private final TeamService teamService;
    private final MetricIngestService metrics;
    private final RunHistory history;
    private final ApplicationEventPublisher events;
    private final MlflowProperties properties;
    private final SecureRandom random = new SecureRandom();

    MlflowService(MlflowRepository runs, ProjectRepository projects, TeamRepository teams, TeamService teamService,
            MetricIngestService metrics, RunHistory history, ApplicationEventPublisher events, MlflowProperties properties) {
        this.runs = runs;
        this.projects = projects;
        this.teams = teams;
        this.teamService = teamService;
        this.metrics = metrics;
        this.history = history;
        this.events = events;
        this.properties = properties;
    }

    // ---- experiments = projects ------------------------------------------------------------------------------

    @Transactional
    public MlflowModel.Experiment getExperiment(Caller caller, String scope, String experimentId) {
        return experiment(project(caller, scope, experimentId));
    }

    @Transactional(readOnly = true)
    public MlflowModel.Experiment getExperimentByName(Caller caller, String name) {
        return byName(caller, name).map(MlflowService::experiment)
                .orElseThrow(() -> MlflowException.notFound("Could not find experiment with name '" + name + "'"));
    }

    @Transactional
    public String createExperiment(Caller caller, String name) {
        if (name == null || name.isBlank()) {
            throw MlflowException.invalid("Invalid experiment name: '" + name + "'");
        }
        if (byName(caller, name).isPresent()) {
            throw new MlflowException(MlflowErrorCode.RESOURCE_ALREADY_EXISTS, "Experiment '" + name + "' already exists.");
        }
        long teamId = defaultTeam(caller);
        String projectName = name.trim();
        int slash = projectName.indexOf('/');
        if (slash >= 0) {
            String teamName = projectName.substring(0, slash);
            teamId = teams.findByIdInOrderByName(caller.teamIds()).stream().filter(t -> t.getName().equals(teamName))
                    .map(Team::getId).findFirst().orElseThrow(() -> MlflowException.invalid("Invalid experiment name '" + name
                            + "': a name is 'project' or 'team/project' with one of your teams, and a project name has no '/'"));
            projectName = projectName.substring(slash + 1);
        }
        if (projectName.isBlank() || projectName.contains("/") || projectName.length() > 200) {
            throw MlflowException.invalid("Invalid experiment name '" + name + "': 1-200 characters without '/' (or 'team/project')");
        }
        requireMayCreateExperiments(caller, teamId);
        return Long.toString(teamService.createProject(teamId, projectName));
    }

    @Transactional(readOnly = true)
    public MlflowModel.ExperimentsPage searchExperiments(Caller caller, MlflowBody body) {
        SearchFilter filter = SearchFilter.parse(body.string("filter"));
        String viewType = viewType(body.string("view_type"));
        int max = maxResults(body.longValue("max_results"), DEFAULT_SEARCH_RESULTS, MAX_SEARCH_RESULTS);
        int offset = offset(body.string("page_token"));
        Predicate<ProjectView> keep = switch (viewType) {
            case "ACTIVE_ONLY" -> p -> !p.archived();
            case "DELETED_ONLY" -> ProjectView::archived;
            default -> p -> true;
        };
        for (SearchFilter.Clause c : filter.clauses()) {
            keep = keep.and(experimentCondition(c));
        }
        Comparator<ProjectView> order = null;
        for (String orderBy : body.strings("order_by")) {
            SearchFilter.Order o = SearchFilter.Order.parse(orderBy);
            Comparator<ProjectView> by = switch (o.key()) {
                case "name" -> Comparator.comparing(ProjectView::name);
                case "experiment_id" -> Comparator.comparingLong(ProjectView::id);
                case "creation_time", "last_update_time" -> Comparator.comparing(ProjectView::createdAt);
                default -> throw MlflowException.invalid("Invalid order_by key '" + o.key()
                        + "': experiments order by name, experiment_id, creation_time or last_update_time");
            };
            by = o.ascending() ? by : by.reversed();
            order = order == null ? by : order.thenComparing(by);
        }
        Comparator<ProjectView> fallback = Comparator.comparing(ProjectView::createdAt).reversed()
                .thenComparingLong(ProjectView::id);
        List<ProjectView> all = projects.viewsOf(caller.teamIds()).stream().filter(keep)
                .sorted(order == null ? fallback : order.thenComparing(fallback)).toList();
        List<MlflowModel.Experiment> page = all.stream().skip(offset).limit(max).map(MlflowService::experiment).toList();
        return new MlflowModel.ExperimentsPage(page, offset + max < all.size() ? token(offset + max) : null);
    }

    /** Renames the project (owners, as in NormLab). */
    @Transactional
    public void updateExperiment(Caller caller, String scope, String experimentId, String newName) {
        ProjectView project = project(caller, scope, experimentId);
        if (newName == null || newName.isBlank() || newName.contains("/")) {
            throw MlflowException.invalid("Invalid experiment name '" + newName + "': 1-200 characters without '/'");
        }
        teamService.updateProject(caller, project.id(), newName.trim(), null);
    }

    /** MLflow's delete of an experiment archives the project (read-only, restorable); owners only. */
    @Transactional
    public void setExperimentDeleted(Caller caller, String scope, String experimentId, boolean deleted) {
        if (deleted && DEFAULT_EXPERIMENT_ID.equals(experimentId)) {
            throw MlflowException.invalid("Cannot delete the default experiment '0'. This is an internally reserved experiment.");
        }
        teamService.updateProject(caller, project(caller, scope, experimentId).id(), null, deleted);
    }

    // ---- runs ------------------------------------------------------------------------------------------------

    @Transactional
    public MlflowModel.Run createRun(Caller caller, String scope, MlflowBody body) {
        String experimentId = body.string("experiment_id");
        ProjectView project = project(caller, scope, experimentId == null || experimentId.isEmpty() ? DEFAULT_EXPERIMENT_ID : experimentId);
        requireWriter(caller, project.teamId());
        if (project.archived()) {
            throw new MlflowException(MlflowErrorCode.INVALID_STATE, "The experiment " + project.id()
                    + " must be in the 'active' state (its project is archived)");
        }
        Tags tags = tags(body.objects("tags"));
        Long startTime = body.longValue("start_time");
        String mlflowRunId = HexFormat.of().formatHex(bytes16());
        String name = body.string("run_name");
        if (name == null || name.isBlank()) {
            name = tags.runName != null ? tags.runName : "run-" + mlflowRunId.substring(0, 8);
        }
        long id = runs.insert(project.id(), name, mlflowRunId, caller.userId(),
                startTime == null ? Instant.now() : Instant.ofEpochMilli(startTime));
        if (!tags.keys.isEmpty()) {
            runs.upsertTags(id, tags.keys, tags.values);
        }
        history.record(id, "tracked", RunHistory.Actor.of(caller), "MLflow run " + mlflowRunId + " in " + project.team() + "/" + project.name());
        events.publishEvent(new RunStateChanged(id, RunStatus.RUNNING, 0));
        return run(runs.get(id));
    }

    private byte[] bytes16() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return bytes;
    }

    @Transactional(readOnly = true)
    public MlflowModel.Run getRun(Caller caller, String runId) {
        return run(tracked(caller, runId));
    }

    /** runs/update: status (RUNNING again resumes a run), end time, name. */
    @Transactional
    public MlflowModel.RunInfo updateRun(Caller caller, MlflowBody body) {
        MlflowRepository.Tracked run = writable(caller, body.required("run_id", "run_uuid"));
        String status = body.string("status");
        String name = body.string("run_name");
        Long endTime = body.longValue("end_time");
        if (status != null && !status.isEmpty()) {
            MlflowStatus next = MlflowStatus.parse(status);
            runs.update(run.id(), next.normlab, endTime == null ? null : Instant.ofEpochMilli(endTime),
                    name == null || name.isBlank() ? null : name);
            if (next.normlab != run.status()) {
                history.record(run.id(), next.normlab.isTerminal() ? "finished" : "resumed", RunHistory.Actor.of(caller),
                        "MLflow status " + next.name());
                events.publishEvent(new RunStateChanged(run.id(), next.normlab, run.attempt()));
            }
        } else if (name != null && !name.isBlank()) {
            runs.rename(run.id(), name);
        }
        return info(runs.get(run.id()));
    }

    @Transactional
    public void setRunDeleted(Caller caller, String runId, boolean deleted) {
        MlflowRepository.Tracked run = tracked(caller, runId);
        requireWriter(caller, run.teamId());
        runs.setDeleted(run.id(), deleted);
        history.record(run.id(), deleted ? "deleted" : "restored", RunHistory.Actor.of(caller),
                deleted ? "MLflow runs/delete (restorable with runs/restore)" : "MLflow runs/restore");
    }

    @Transactional
    public void deleteTag(Caller caller, String runId, String key) {
        MlflowRepository.Tracked run = writable(caller, runId);
        if (!runs.deleteTag(run.id(), key)) {
            throw MlflowException.notFound("No tag with name: " + key + " in run with id " + runId);
        }
    }

    /**
     * log-batch, and log-metric, log-parameter and set-tag as batches of one. All or nothing: a rewritten param or
     * a value NormLab cannot store fails the whole request and stores nothing of it.
     */
    @Transactional
    public void logBatch(Caller caller, String runId, List<MlflowBody> metricBodies, List<MlflowBody> paramBodies,
            List<MlflowBody> tagBodies) {
        if (metricBodies.size() > MAX_METRICS_PER_BATCH) {
            throw MlflowException.invalid("A batch logging request can contain at most " + MAX_METRICS_PER_BATCH
                    + " metrics. Got " + metricBodies.size() + " metrics. Please split up metrics across multiple requests and try again.");
        }
        if (paramBodies.size() > MAX_PARAMS_TAGS_PER_BATCH) {
            throw MlflowException.invalid("A batch logging request can contain at most " + MAX_PARAMS_TAGS_PER_BATCH
                    + " params. Got " + paramBodies.size() + " params. Please split up params across multiple requests and try again.");
        }
        if (tagBodies.size() > MAX_PARAMS_TAGS_PER_BATCH) {
            throw MlflowException.invalid("A batch logging request can contain at most " + MAX_PARAMS_TAGS_PER_BATCH
                    + " tags. Got " + tagBodies.size() + " tags. Please split up tags across multiple requests and try again.");
        }
        int total = metricBodies.size() + paramBodies.size() + tagBodies.size();
        if (total > MAX_ENTITIES_PER_BATCH) {
            throw MlflowException.invalid("A batch logging request can contain at most " + MAX_ENTITIES_PER_BATCH
                    + " total metrics, params, and tags. Got " + total + " entities. Please split up across multiple requests and try again.");
        }
        MlflowRepository.Tracked run = writable(caller, runId);
        Map<String, String> params = new LinkedHashMap<>();
        for (MlflowBody p : paramBodies) {
            String key = key("param", p.required("key"));
            String value = p.string("value");
            if (value == null) {
                throw MlflowException.invalid("Missing value for required parameter 'value' of param '" + key + "'");
            }
            if (value.length() > MAX_PARAM_VALUE_LENGTH) {
                throw MlflowException.invalid("Param value '" + value.substring(0, 20) + "...' had length " + value.length()
                        + ", which exceeded length limit of " + MAX_PARAM_VALUE_LENGTH);
            }
            String before = params.put(key, value);
            if (before != null && !before.equals(value)) {
                throw MlflowException.invalid("Duplicate parameter keys with different values in one request: '" + key + "'");
            }
        }
        Tags tags = tags(tagBodies);
        List<MetricPoint> points = new ArrayList<>(metricBodies.size());
        long now = System.currentTimeMillis();
        for (MlflowBody m : metricBodies) {
            points.add(point(m, run.startMillis(), now));
        }
        if (!params.isEmpty()) {
            List<String> keys = List.copyOf(params.keySet());
            Map<String, String> stored = runs.insertParams(run.id(), keys, keys.stream().map(params::get).toList());
            for (String key : keys) {
                if (!params.get(key).equals(stored.get(key))) {
                    throw MlflowException.invalid("Changing param values is not allowed. Param with key='" + key
                            + "' was already logged with value='" + stored.get(key) + "' for run ID='" + runId
                            + "'. Attempted logging new value '" + params.get(key) + "'.");
                }
            }
        }
        optimizerOf(params).ifPresent(optimizer -> runs.setOptimizer(run.id(), optimizer));
        if (!tags.keys.isEmpty()) {
            runs.upsertTags(run.id(), tags.keys, tags.values);
        }
        if (tags.runName != null) {
            runs.rename(run.id(), tags.runName);
        }
        if (!points.isEmpty()) {
            metrics.ingestTracked(run.id(), points);
        }
        logged(caller, run);
    }

    /** One page of a metric's history by step (one value per step: the last one logged). */
    @Transactional(readOnly = true)
    public MlflowModel.MetricsPage history(Caller caller, String runId, String key, String pageToken, Long maxResults) {
        MlflowRepository.Tracked run = tracked(caller, runId);
        if (key == null || key.isEmpty()) {
            throw MlflowException.invalid("Missing value for required parameter 'metric_key'");
        }
        int max = maxResults(maxResults, MAX_HISTORY_RESULTS, MAX_HISTORY_RESULTS);
        Long after = null;
        if (pageToken != null && !pageToken.isEmpty()) {
            after = (long) decodeToken(pageToken, "step");
        }
        List<MlflowRepository.Point> page = runs.history(run.id(), key, after, max + 1);
        boolean more = page.size() > max;
        List<MlflowRepository.Point> shown = more ? page.subList(0, max) : page;
        List<MlflowModel.Metric> out = shown.stream().map(p -> metric(p, run.startMillis())).toList();
        return new MlflowModel.MetricsPage(out, more ? token("step", shown.get(shown.size() - 1).step()) : null);
    }

    @Transactional(readOnly = true)
    public MlflowModel.RunsPage searchRuns(Caller caller, String scope, MlflowBody body) {
        List<String> experimentIds = body.strings("experiment_ids");
        if (experimentIds.isEmpty()) {
            throw MlflowException.invalid("Missing value for required parameter 'experiment_ids'");
        }
        List<Long> projectIds = new ArrayList<>();
        for (String id : experimentIds) {
            projectIds.add(project(caller, scope, id).id());
        }
        SearchFilter filter = SearchFilter.parse(body.string("filter"));
        List<SearchFilter.Order> orders = body.strings("order_by").stream().map(SearchFilter.Order::parse).toList();
        int max = maxResults(body.longValue("max_results"), DEFAULT_SEARCH_RESULTS, MAX_SEARCH_RESULTS);
        int offset = offset(body.string("page_token"));
        List<MlflowRepository.Tracked> found = runs.search(projectIds, viewType(body.string("run_view_type")), filter, orders,
                offset, max + 1);
        boolean more = found.size() > max;
        List<MlflowRepository.Tracked> page = more ? found.subList(0, max) : found;
        return new MlflowModel.RunsPage(runs(page), more ? token(offset + max) : null);
    }

    /** RUNNING tracked runs silent for {@code normlab.mlflow.lost-after} → FAILED (lost). */
    @Transactional
    public int markLostRuns() {
        String error = "lost: nothing was logged for " + properties.lostAfter().toMinutes() + " min while RUNNING (the MLflow"
                + " client stopped without ending the run); logging to it again makes it RUNNING again";
        List<MlflowRepository.Lost> lost = runs.markLost(properties.lostAfter(), error);
        for (MlflowRepository.Lost run : lost) {
            history.record(run.id(), "lost", RunHistory.Actor.SYSTEM, "no MLflow call for " + properties.lostAfter().toMinutes() + " min");
            events.publishEvent(new RunStateChanged(run.id(), RunStatus.FAILED, run.attempt()));
        }
        return lost.size();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private void logged(Caller caller, MlflowRepository.Tracked run) {
        if (run.lostAt() != null && runs.revive(run.id())) {
            history.record(run.id(), "revived", RunHistory.Actor.of(caller), "logged again after it was marked lost");
            events.publishEvent(new RunStateChanged(run.id(), RunStatus.RUNNING, run.attempt()));
        } else {
            runs.touch(run.id());
        }
    }

    /**
     * The NormLab optimizer a param names ({@code optimizer}, or HuggingFace's {@code optim} such as "adamw_torch"), so
     * {@code GET /api/v1/runs?optimizer=adamw} finds a PyTorch AdamW baseline beside NormLab's AdamW runs.
     */
    static Optional<String> optimizerOf(Map<String, String> params) {
        for (String key : new String[] {"optimizer", "optim"}) {
            String value = params.get(key);
            if (value == null) {
                continue;
            }
            String v = value.trim().toLowerCase(Locale.ROOT);
            Optional<String> kind = OptimizerKind.byId(v).map(OptimizerKind::id)
                    .or(() -> OptimizerKind.ids().stream().filter(id -> v.startsWith(id + "_")).findFirst());
            if (kind.isPresent()) {
                return kind;
            }
        }
        return Optional.empty();
    }

    private MetricPoint point(MlflowBody m, long startMillis, long now) {
        String key = key("metric", m.required("key"));
        Double value = m.doubleValue("value");
        if (value == null) {
            throw MlflowException.invalid("Missing value for required parameter 'value' of metric '" + key + "'");
        }
        Long step = m.longValue("step");
        long s = step == null ? 0 : step;
        if (!Double.isFinite(value)) {
            throw MlflowException.invalid("Metric '" + key + "' at step " + s + " is " + value + ": NormLab stores finite values"
                    + " only, so nothing of this request was stored (skip or clip non-finite values before logging)");
        }
        if (s < 0) {
            throw MlflowException.invalid("Metric '" + key + "' has step " + s + ": NormLab stores steps from 0 on");
        }
        Long timestamp = m.longValue("timestamp");
        // the timestamp is kept as seconds since the run started: the metric store's wall-clock axis
        double seconds = ((timestamp == null ? now : timestamp) - startMillis) / 1000.0;
        return new MetricPoint(key, s, null, seconds, value);
    }

    private static MlflowModel.Metric metric(MlflowRepository.Point p, long startMillis) {
        long timestamp = startMillis + (p.seconds() == null ? 0 : Math.round(p.seconds() * 1000));
        return new MlflowModel.Metric(p.key(), p.value(), timestamp, p.step());
    }

    private record Tags(List<String> keys, List<String> values, String runName) {
    }

    /** Tags to store (last write wins within the request too); {@code mlflow.runName} is the run's name instead. */
    private static Tags tags(List<MlflowBody> bodies) {
        Map<String, String> tags = new LinkedHashMap<>();
        String runName = null;
        for (MlflowBody t : bodies) {
            String key = key("tag", t.required("key"));
            String value = t.string("value");
            if (value == null) {
                value = "";
            }
            if (value.length() > MAX_TAG_VALUE_LENGTH) {
                throw MlflowException.invalid("Tag value for '" + key + "' had length " + value.length()
                        + ", which exceeded length limit of " + MAX_TAG_VALUE_LENGTH);
            }
            if (key.equals(RUN_NAME_TAG)) {
                runName = value.isBlank() ? null : value;
            } else {
                tags.put(key, value);
            }
        }
        return new Tags(List.copyOf(tags.keySet()), List.copyOf(tags.values()), runName);
    }

    private static String key(String what, String key) {
        if (key.length() > MAX_KEY_LENGTH) {
            throw MlflowException.invalid("The " + what + " key '" + key.substring(0, 20) + "...' had length " + key.length()
                    + ", which exceeded length limit of " + MAX_KEY_LENGTH);
        }
        if (!KEY.matcher(key).matches() || key.equals(".") || key.startsWith("/") || key.contains("..")) {
            throw MlflowException.invalid("Invalid " + what + " name: '" + key + "'. Names may only contain alphanumerics, underscores"
                    + " (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).");
        }
        return key;
    }

    MlflowRepository.Tracked tracked(Caller caller, String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw MlflowException.invalid("Invalid run ID: '" + runId + "' (a run ID is 32 lowercase hex characters)");
        }
        return runs.find(runId, caller.teamIds()).orElseThrow(() -> MlflowException.notFound("Run '" + runId + "' not found"));
    }

    /** A run the caller may log to: visible, a member's, active, in an active experiment. */
    private MlflowRepository.Tracked writable(Caller caller, String runId) {
        MlflowRepository.Tracked run = tracked(caller, runId);
        requireWriter(caller, run.teamId());
        if (run.deletedAt() != null) {
            throw MlflowException.invalid("The run " + runId + " must be in the 'active' state. Current state is deleted.");
        }
        if (run.projectArchived()) {
            throw new MlflowException(MlflowErrorCode.INVALID_STATE, "The run " + runId
                    + " belongs to an archived project (a deleted experiment): it is read-only");
        }
        return run;
    }

    private static void requireWriter(Caller caller, long teamId) {
        if (!caller.mayChangeRunsOf(teamId)) {
            throw new MlflowException(MlflowErrorCode.PERMISSION_DENIED, "viewers of a team may read its runs, not log to them");
        }
    }

    private void requireMayCreateExperiments(Caller caller, long teamId) {
        boolean may = caller.isOwnerOf(teamId) || (properties.membersCreateExperiments() && caller.mayChangeRunsOf(teamId));
        if (!may) {
            throw new MlflowException(MlflowErrorCode.PERMISSION_DENIED, properties.membersCreateExperiments()
                    ? "viewers cannot create experiments" : "only an owner of the team may create experiments (projects)");
        }
    }

    /** The project an experiment id names ("0": the scope's project or the default team's default project). */
    ProjectView project(Caller caller, String scope, String experimentId) {
        if (experimentId == null || experimentId.isEmpty()) {
            throw MlflowException.invalid("Missing value for required parameter 'experiment_id'");
        }
        if (DEFAULT_EXPERIMENT_ID.equals(experimentId)) {
            return scope != null ? scoped(caller, scope) : defaultProject(caller);
        }
        long id;
        try {
            id = Long.parseLong(experimentId);
        } catch (NumberFormatException e) {
            throw MlflowException.invalid("Invalid experiment ID: '" + experimentId + "' (experiment ids are decimal strings)");
        }
        return projects.view(id).filter(p -> caller.teamIds().contains(p.teamId()))
                .orElseThrow(() -> MlflowException.notFound("No Experiment with id=" + experimentId + " exists"));
    }

    /** The project of a project-scoped base URI ({@code /mlflow/p/{project}/…}): its id, or its name when unique among the caller's teams. */
    private ProjectView scoped(Caller caller, String scope) {
        List<ProjectView> mine = projects.viewsOf(caller.teamIds());
        List<ProjectView> matches = mine.stream().filter(p -> scope.equals(p.team() + "/" + p.name())).toList();
        if (matches.isEmpty()) {
            matches = mine.stream().filter(p -> scope.equals(p.name()) || scope.equals(Long.toString(p.id()))).toList();
        }
        if (matches.size() > 1) {
            throw MlflowException.invalid("Project '" + scope + "' exists in several of your teams: use team/project in the URI");
        }
        return matches.stream().findFirst().orElseThrow(() -> MlflowException.notFound("No project '" + scope + "' in your teams"));
    }

    /** The caller's team's {@code default} project, created on first use by a caller who may create experiments. */
    private ProjectView defaultProject(Caller caller) {
        long teamId = defaultTeam(caller);
        Optional<ProjectView> existing = projects.findByTeamIdAndName(teamId, DEFAULT_PROJECT).flatMap(p -> projects.view(p.getId()));
        if (existing.isPresent()) {
            return existing.get();
        }
        if (!caller.mayChangeRunsOf(teamId)) {
            throw MlflowException.notFound("No Experiment with id=0 exists (your team has no 'default' project)");
        }
        requireMayCreateExperiments(caller, teamId);
        return projects.view(teamService.createProject(teamId, DEFAULT_PROJECT)).orElseThrow();
    }

    /** The caller's only team; with several, the one named "default", else the oldest. */
    private long defaultTeam(Caller caller) {
        List<Team> mine = teams.findByIdInOrderByName(caller.teamIds());
        if (mine.isEmpty()) {
            throw MlflowException.notFound("You belong to no team, so there is no experiment to use");
        }
        return mine.stream().filter(t -> t.getName().equals(DEFAULT_PROJECT)).findFirst()
                .or(() -> mine.stream().min(Comparator.comparing(Team::getId))).orElseThrow().getId();
    }

    /** By "team/project" or by a project name, preferring the default team's when several teams have it. */
    private Optional<ProjectView> byName(Caller caller, String name) {
        if (name == null || name.isEmpty()) {
            throw MlflowException.invalid("Missing value for required parameter 'experiment_name'");
        }
        List<ProjectView> mine = projects.viewsOf(caller.teamIds());
        Optional<ProjectView> qualified = mine.stream().filter(p -> name.equals(p.team() + "/" + p.name())).findFirst();
        if (qualified.isPresent()) {
            return qualified;
        }
        List<ProjectView> named = mine.stream().filter(p -> name.equals(p.name())).toList();
        if (named.size() <= 1) {
            return named.stream().findFirst();
        }
        long preferred = defaultTeam(caller);
        return named.stream().filter(p -> p.teamId() == preferred).findFirst().or(() -> {
            throw MlflowException.invalid("Experiment '" + name + "' exists in several of your teams: write team/" + name);
        });
    }

    private static Predicate<ProjectView> experimentCondition(SearchFilter.Clause c) {
        if (c.kind() != SearchFilter.Kind.ATTRIBUTE || !c.key().equals("name")) {
            throw MlflowException.invalid("Experiments can be filtered by name only (name = 'x', name LIKE 'x%'), not "
                    + c.kind().name().toLowerCase(Locale.ROOT) + " '" + c.key() + "'");
        }
        if (!(c.value() instanceof String value)) {
            throw MlflowException.invalid("name is compared with a quoted string");
        }
        return switch (c.op()) {
            case "=" -> p -> p.name().equals(value);
            case "!=" -> p -> !p.name().equals(value);
            case "LIKE", "ILIKE" -> {
                Pattern like = Pattern.compile(likeRegex(value), c.op().equals("ILIKE") ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
                yield p -> like.matcher(p.name()).matches();
            }
            default -> throw MlflowException.invalid("name takes = != LIKE ILIKE, not " + c.op());
        };
    }

    private static String likeRegex(String like) {
        StringBuilder regex = new StringBuilder();
        for (char ch : like.toCharArray()) {
            regex.append(switch (ch) {
                case '%' -> ".*";
                case '_' -> ".";
                default -> Pattern.quote(String.valueOf(ch));
            });
        }
        return regex.toString();
    }

    private static String viewType(String viewType) {
        String v = viewType == null || viewType.isEmpty() ? "ACTIVE_ONLY" : viewType.toUpperCase(Locale.ROOT);
        return switch (v) {
            case "ACTIVE_ONLY", "1" -> "ACTIVE_ONLY";
            case "DELETED_ONLY", "2" -> "DELETED_ONLY";
            case "ALL", "3" -> "ALL";
            default -> throw MlflowException.invalid("Invalid view_type '" + viewType + "': ACTIVE_ONLY, DELETED_ONLY or ALL");
        };
    }

    private static int maxResults(Long requested, int defaultValue, int limit) {
        if (requested == null) {
            return defaultValue;
        }
        if (requested < 1 || requested > limit) {
            throw MlflowException.invalid("Invalid value " + requested + " for parameter 'max_results' supplied. It must be"
                    + " at most " + limit + ", and at least 1");
        }
        return requested.intValue();
    }

    private static String token(int offset) {
        return token("offset", offset);
    }

    private static String token(String field, long value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"" + field + "\": " + value + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static int offset(String pageToken) {
        return pageToken == null || pageToken.isEmpty() ? 0 : (int) decodeToken(pageToken, "offset");
    }

    private static long decodeToken(String pageToken, String field) {
        try {
            String json = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
            String prefix = "{\"" + field + "\": ";
            if (json.startsWith(prefix) && json.endsWith("}")) {
                long value = Long.parseLong(json.substring(prefix.length(), json.length() - 1));
                if (value >= 0) {
                    return value;
                }
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw MlflowException.invalid("Invalid page token '" + pageToken + "'");
    }

    // ---- views -----------------------------------------------------------------------------------------------

    static MlflowModel.Experiment experiment(ProjectView p) {
        long created = p.createdAt() == null ? 0 : p.createdAt().toInstant().toEpochMilli();
        return new MlflowModel.Experiment(Long.toString(p.id()), p.name(), "mlflow-artifacts:/" + p.id(),
                p.archived() ? "deleted" : "active", created, created,
                List.of(new MlflowModel.KeyValue("normlab.team", p.team())));
    }

    private static MlflowModel.RunInfo info(MlflowRepository.Tracked r) {
        return new MlflowModel.RunInfo(r.mlflowRunId(), r.mlflowRunId(), r.name(), Long.toString(r.projectId()), r.user(),
                MlflowStatus.of(r.status()).name(), r.startMillis(),
                r.finishedAt() == null ? null : r.finishedAt().toInstant().toEpochMilli(),
                "mlflow-artifacts:/" + r.projectId() + "/" + r.mlflowRunId() + "/artifacts",
                r.deletedAt() == null ? "active" : "deleted");
    }

    private MlflowModel.Run run(MlflowRepository.Tracked r) {
        return runs(List.of(r)).get(0);
    }

    private List<MlflowModel.Run> runs(List<MlflowRepository.Tracked> tracked) {
        List<Long> ids = tracked.stream().map(MlflowRepository.Tracked::id).toList();
        Map<Long, List<MlflowModel.KeyValue>> params = runs.params(ids);
        Map<Long, List<MlflowModel.KeyValue>> tags = runs.tags(ids);
        Map<Long, List<MlflowRepository.Point>> latest = runs.latestMetrics(ids);
        List<MlflowModel.Run> out = new ArrayList<>();
        for (MlflowRepository.Tracked r : tracked) {
            List<MlflowModel.KeyValue> runTags = new ArrayList<>(tags.getOrDefault(r.id(), List.of()));
            runTags.add(new MlflowModel.KeyValue(RUN_NAME_TAG, r.name()));
            List<MlflowModel.Metric> metrics = latest.getOrDefault(r.id(), List.of()).stream()
                    .map(p -> metric(p, r.startMillis())).toList();
            out.add(new MlflowModel.Run(info(r), new MlflowModel.RunData(metrics, params.getOrDefault(r.id(), List.of()), runTags),
                    new HashMap<>()));
        }
        return out;
    }
}
