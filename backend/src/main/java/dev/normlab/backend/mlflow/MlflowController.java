package dev.normlab.backend.mlflow;

import dev.normlab.backend.team.Caller;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * MLflow REST API 2.0, the subset MLflow's fluent API, Lightning's MLFlowLogger, HuggingFace's MLflowCallback and
 * scripts call. MLflow clients append {@code /api/2.0/mlflow/…} to the tracking URI, so
 * {@code MLFLOW_TRACKING_URI=http://host:8080/mlflow} lands on the first base and
 * {@code http://host:8080/mlflow/p/{project}} or {@code …/p/{team}/{project}} on the project-scoped ones, where
 * experiment "0" is that project.
 * Bodies are read here, not bound, so that protobuf JSON (int64 as strings, "NaN" doubles, unknown fields) parses.
 */
@RestController
@Hidden // MLflow's own REST reference documents it (docs/api.md lists the subset); kept out of NormLab's OpenAPI document
@RequestMapping({MlflowController.BASE, MlflowController.PROJECT_BASE, MlflowController.TEAM_PROJECT_BASE})
class MlflowController {

    static final String BASE = "/mlflow/api/2.0/mlflow";
    static final String PROJECT_BASE = "/mlflow/p/{project}/api/2.0/mlflow";
    static final String TEAM_PROJECT_BASE = "/mlflow/p/{team}/{project}/api/2.0/mlflow";

    private static final MlflowModel.Empty EMPTY = new MlflowModel.Empty();

    private final MlflowService mlflow;
    private final JsonMapper json;

    MlflowController(MlflowService mlflow, JsonMapper json) {
        this.mlflow = mlflow;
        this.json = MlflowBody.lenient(json);
    }

    // ---- experiments

    @PostMapping("/experiments/create")
    MlflowModel.CreateExperimentResponse createExperiment(@RequestBody(required = false) byte[] body, Caller caller) {
        return new MlflowModel.CreateExperimentResponse(mlflow.createExperiment(caller, body(body).required("name")));
    }

    @GetMapping("/experiments/get")
    MlflowModel.ExperimentResponse getExperiment(@PathVariable Map<String, String> path,
            @RequestParam(name = "experiment_id", required = false) String experimentId, Caller caller) {
        return new MlflowModel.ExperimentResponse(mlflow.getExperiment(caller, scope(path), experimentId));
    }

    @GetMapping("/experiments/get-by-name")
    MlflowModel.ExperimentResponse getExperimentByName(@RequestParam(name = "experiment_name", required = false) String name,
            Caller caller) {
        return new MlflowModel.ExperimentResponse(mlflow.getExperimentByName(caller, name));
    }

    @PostMapping("/experiments/search")
    MlflowModel.ExperimentsPage searchExperiments(@RequestBody(required = false) byte[] body, Caller caller) {
        return mlflow.searchExperiments(caller, body(body));
    }

    @PostMapping("/experiments/update")
    MlflowModel.Empty updateExperiment(@PathVariable Map<String, String> path, @RequestBody(required = false) byte[] body,
            Caller caller) {
        MlflowBody b = body(body);
        mlflow.updateExperiment(caller, scope(path), b.required("experiment_id"), b.required("new_name"));
        return EMPTY;
    }

    @PostMapping("/experiments/delete")
    MlflowModel.Empty deleteExperiment(@PathVariable Map<String, String> path, @RequestBody(required = false) byte[] body,
            Caller caller) {
        mlflow.setExperimentDeleted(caller, scope(path), body(body).required("experiment_id"), true);
        return EMPTY;
    }

    @PostMapping("/experiments/restore")
    MlflowModel.Empty restoreExperiment(@PathVariable Map<String, String> path, @RequestBody(required = false) byte[] body,
            Caller caller) {
        mlflow.setExperimentDeleted(caller, scope(path), body(body).required("experiment_id"), false);
        return EMPTY;
    }

    // ---- runs

    @PostMapping("/runs/create")
    MlflowModel.RunResponse createRun(@PathVariable Map<String, String> path, @RequestBody(required = false) byte[] body,
            Caller caller) {
        return new MlflowModel.RunResponse(mlflow.createRun(caller, scope(path), body(body)));
    }

    @GetMapping("/runs/get")
    MlflowModel.RunResponse getRun(@RequestParam(name = "run_id", required = false) String runId,
            @RequestParam(name = "run_uuid", required = false) String runUuid, Caller caller) {
        return new MlflowModel.RunResponse(mlflow.getRun(caller, runId != null && !runId.isEmpty() ? runId : runUuid));
    }

    @PostMapping("/runs/update")
    MlflowModel.UpdateRunResponse updateRun(@RequestBody(required = false) byte[] body, Caller caller) {
        return new MlflowModel.UpdateRunResponse(mlflow.updateRun(caller, body(body)));
    }

    @PostMapping("/runs/delete")
    MlflowModel.Empty deleteRun(@RequestBody(required = false) byte[] body, Caller caller) {
        mlflow.setRunDeleted(caller, body(body).required("run_id"), true);
        return EMPTY;
    }

    @PostMapping("/runs/restore")
    MlflowModel.Empty restoreRun(@RequestBody(required = false) byte[] body, Caller caller) {
        mlflow.setRunDeleted(caller, body(body).required("run_id"), false);
        return EMPTY;
    }

    @PostMapping("/runs/log-metric")
    MlflowModel.Empty logMetric(@RequestBody(required = false) byte[] body, Caller caller) {
        MlflowBody b = body(body);
        mlflow.logBatch(caller, b.required("run_id", "run_uuid"), List.of(b), List.of(), List.of());
        return EMPTY;
    }

    @PostMapping("/runs/log-parameter")
    MlflowModel.Empty logParameter(@RequestBody(required = false) byte[] body, Caller caller) {
        MlflowBody b = body(body);
        mlflow.logBatch(caller, b.required("run_id", "run_uuid"), List.of(), List.of(b), List.of());
        return EMPTY;
    }

    @PostMapping("/runs/set-tag")
    MlflowModel.Empty setTag(@RequestBody(required = false) byte[] body, Caller caller) {
        MlflowBody b = body(body);
        mlflow.logBatch(caller, b.required("run_id", "run_uuid"), List.of(), List.of(), List.of(b));
        return EMPTY;
    }

    @PostMapping("/runs/delete-tag")
    MlflowModel.Empty deleteTag(@RequestBody(required = false) byte[] body, Caller caller) {
        MlflowBody b = body(body);
        mlflow.deleteTag(caller, b.required("run_id"), b.required("key"));
        return EMPTY;
    }

    /** At most 1000 metrics, 100 params, 100 tags, 1000 in all and 1 MB, as MLflow's server. */
    @PostMapping("/runs/log-batch")
    MlflowModel.Empty logBatch(@RequestBody(required = false) byte[] body, Caller caller) {
        if (body != null && body.length > MlflowBody.MAX_BYTES) {
            throw MlflowException.invalid("Batched logging API requests must be at most " + MlflowBody.MAX_BYTES
                    + " bytes, got a request of " + body.length + " bytes");
        }
        MlflowBody b = body(body);
        mlflow.logBatch(caller, b.required("run_id"), b.objects("metrics"), b.objects("params"), b.objects("tags"));
        return EMPTY;
    }

    @PostMapping("/runs/search")
    MlflowModel.RunsPage searchRuns(@PathVariable Map<String, String> path, @RequestBody(required = false) byte[] body,
            Caller caller) {
        return mlflow.searchRuns(caller, scope(path), body(body));
    }

    // ---- metrics

    /** Paged by step: {@code max_results} (default and at most 25,000) and the {@code next_page_token} answered. */
    @GetMapping("/metrics/get-history")
    MlflowModel.MetricsPage getHistory(@RequestParam(name = "run_id", required = false) String runId,
            @RequestParam(name = "run_uuid", required = false) String runUuid,
            @RequestParam(name = "metric_key", required = false) String key,
            @RequestParam(name = "page_token", required = false) String pageToken,
            @RequestParam(name = "max_results", required = false) Long maxResults, Caller caller) {
        return mlflow.history(caller, runId != null && !runId.isEmpty() ? runId : runUuid, key, pageToken, maxResults);
    }

    /** The project of a project-scoped base: {@code {project}} (id or unique name) or {@code {team}/{project}}. */
    private static String scope(Map<String, String> path) {
        String project = path.get("project");
        return project == null ? null : path.containsKey("team") ? path.get("team") + "/" + project : project;
    }

    private MlflowBody body(byte[] body) {
        return MlflowBody.parse(json, body);
    }
}
