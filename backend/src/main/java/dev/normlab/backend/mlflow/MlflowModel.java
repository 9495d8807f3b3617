package dev.normlab.backend.mlflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** MLflow's entities as its REST API 2.0 writes them (snake_case, unset fields left out). */
final class MlflowModel {

    private MlflowModel() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Experiment(
            @JsonProperty("experiment_id") String experimentId,
            String name,
            @JsonProperty("artifact_location") String artifactLocation,
            @JsonProperty("lifecycle_stage") String lifecycleStage,
            @JsonProperty("last_update_time") Long lastUpdateTime,
            @JsonProperty("creation_time") Long creationTime,
            List<KeyValue> tags) {
    }

    /** A param or a tag. */
    record KeyValue(String key, String value) {
    }

    record Metric(String key, double value, long timestamp, long step) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RunInfo(
            @JsonProperty("run_id") String runId,
            @JsonProperty("run_uuid") String runUuid,
            @JsonProperty("run_name") String runName,
            @JsonProperty("experiment_id") String experimentId,
            @JsonProperty("user_id") String userId,
            String status,
            @JsonProperty("start_time") Long startTime,
            @JsonProperty("end_time") Long endTime,
            @JsonProperty("artifact_uri") String artifactUri,
            @JsonProperty("lifecycle_stage") String lifecycleStage) {
    }

    record RunData(List<Metric> metrics, List<KeyValue> params, List<KeyValue> tags) {
    }

    record Run(RunInfo info, RunData data, Map<String, Object> inputs) {
    }

    // ---- responses

    record ExperimentResponse(Experiment experiment) {
    }

    record CreateExperimentResponse(@JsonProperty("experiment_id") String experimentId) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ExperimentsPage(List<Experiment> experiments, @JsonProperty("next_page_token") String nextPageToken) {
    }

    record RunResponse(Run run) {
    }

    record UpdateRunResponse(@JsonProperty("run_info") RunInfo runInfo) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RunsPage(List<Run> runs, @JsonProperty("next_page_token") String nextPageToken) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record MetricsPage(List<Metric> metrics, @JsonProperty("next_page_token") String nextPageToken) {
    }

    /** MLflow answers {@code {}} to writes. */
    record Empty() {
    }
}
