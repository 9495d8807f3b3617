package dev.normlab.backend.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.team.AccountService;
import dev.normlab.backend.team.Caller;
import dev.normlab.backend.team.TeamRole;
import dev.normlab.backend.team.TeamService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.RunsPage;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * MLflow's official Java client (org.mlflow:mlflow-client) and raw HTTP against the real backend on its embedded
 * PostgreSQL: what MLflow users do, MLflow's conventions one by one, the error paths, and tracked runs in NormLab's
 * own runs list and compare beside a trained run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MlflowApiTest {

    @LocalServerPort
    int port;
    @Autowired
    Fixtures fixtures;
    @Autowired
    TeamService teams;
    @Autowired
    AccountService accounts;
    @Autowired
    MlflowService mlflowService;
    @Autowired
    JdbcClient jdbc;

    private final JsonMapper json = JsonMapper.builder().build();
    private Fixtures.Team team;
    private Fixtures.Team otherTeam;
    private String viewerBearer;
    private MlflowClient client;

    @BeforeAll
    void teamsAndClient() {
        team = fixtures.newTeam("mlflow");
        otherTeam = fixtures.newTeam("mlflow-other");
        Caller owner = fixtures.caller(team.bearer());
        Caller admin = fixtures.caller(fixtures.adminBearer());
        String viewer = "viewer-" + team.name();
        long viewerId = accounts.create(admin, viewer, "a long password here", false).id();
        teams.setMember(owner, team.id(), viewer, TeamRole.VIEWER);
        viewerBearer = "Bearer " + fixtures.issueUserToken(viewerId);
        client = client(team.bearer());
    }

    private String base() {
        return "http://localhost:" + port + "/mlflow";
    }

    private MlflowClient client(String bearer) {
        return new MlflowClient(new BasicMlflowHostCreds(base(), bearer.substring("Bearer ".length())));
    }

    private MlflowHttp http(String bearer) {
        return new MlflowHttp(base(), bearer);
    }

    private static Service.Metric metric(String key, double value, long timestamp, long step) {
        return Service.Metric.newBuilder().setKey(key).setValue(value).setTimestamp(timestamp).setStep(step).build();
    }

    private static Map<String, String> params(Service.Run run) {
        return run.getData().getParamsList().stream().collect(Collectors.toMap(Service.Param::getKey, Service.Param::getValue));
    }

    private static Map<String, String> tags(Service.Run run) {
        return run.getData().getTagsList().stream().collect(Collectors.toMap(Service.RunTag::getKey, Service.RunTag::getValue));
    }

    private String newRun(String experimentId) {
        return client.createRun(experimentId).getRunId();
    }

    // ---- the official client, end to end

    @Test
    void theOfficialClientLogsOneByOneAndInBatchesAndReadsEverythingBack() {
        String name = "exp-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(client.getExperimentByName(name)).isEmpty();
        String experimentId = client.createExperiment(name);
        assertThat(experimentId).matches("[1-9][0-9]*");
        assertThat(client.getExperimentByName(name)).hasValueSatisfying(e -> assertThat(e.getExperimentId()).isEqualTo(experimentId));
        assertThat(client.getExperiment(experimentId).getName()).isEqualTo(name);

        long start = System.currentTimeMillis();
        Service.RunInfo info = client.createRun(Service.CreateRun.newBuilder().setExperimentId(experimentId)
                .setRunName("pytorch adamw baseline").setStartTime(start).build());
        String runId = info.getRunId();
        assertThat(runId).matches("[0-9a-f]{32}");
        assertThat(info.getStatus()).isEqualTo(Service.RunStatus.RUNNING);

        client.logParam(runId, "lr", "0.001");
        client.logParam(runId, "optimizer", "adamw");
        client.setTag(runId, "framework", "pytorch");
        client.logMetric(runId, "train_loss", 4.25, start + 1000, 0);
        client.logMetric(runId, "train_loss", 3.5, start + 2000, 1);
        client.logBatch(runId,
                List.of(metric("train_loss", 2.75, start + 3000, 2), metric("val loss", 3.0, start + 3000, 2),
                        metric("lr/group 0", 0.001, start + 3000, 2)),
                List.of(Service.Param.newBuilder().setKey("batch_size").setValue("32").build()),
                List.of(Service.RunTag.newBuilder().setKey("framework").setValue("pytorch-lightning").build()));
        client.setTerminated(runId, Service.RunStatus.FINISHED, start + 5000);

        Service.Run run = client.getRun(runId);
        assertThat(run.getInfo().getStatus()).isEqualTo(Service.RunStatus.FINISHED);
        assertThat(run.getInfo().getEndTime()).isEqualTo(start + 5000);
        assertThat(run.getInfo().getStartTime()).isEqualTo(start);
        assertThat(run.getInfo().getExperimentId()).isEqualTo(experimentId);
        assertThat(run.getInfo().getRunName()).isEqualTo("pytorch adamw baseline");
        assertThat(params(run)).containsExactlyInAnyOrderEntriesOf(Map.of("lr", "0.001", "optimizer", "adamw", "batch_size", "32"));
        // tags are last-write-wins; the run's name is the mlflow.runName tag
        assertThat(tags(run)).containsEntry("framework", "pytorch-lightning").containsEntry("mlflow.runName", "pytorch adamw baseline");
        Map<String, Service.Metric> latest = run.getData().getMetricsList().stream()
                .collect(Collectors.toMap(Service.Metric::getKey, m -> m));
        assertThat(latest.keySet()).containsExactlyInAnyOrder("train_loss", "val loss", "lr/group 0");
        assertThat(latest.get("train_loss").getValue()).isEqualTo(2.75);
        assertThat(latest.get("train_loss").getStep()).isEqualTo(2);
        assertThat(latest.get("train_loss").getTimestamp()).isEqualTo(start + 3000);

        List<Service.Metric> history = client.getMetricHistory(runId, "train_loss");
        assertThat(history).extracting(Service.Metric::getStep).containsExactly(0L, 1L, 2L);
        assertThat(history).extracting(Service.Metric::getValue).containsExactly(4.25, 3.5, 2.75);
        assertThat(history).extracting(Service.Metric::getTimestamp).containsExactly(start + 1000, start + 2000, start + 3000);

        // NormLab's own view of it: a tracked run with its params, ended with the loss it logged last
        Long id = jdbc.sql("select id from runs where mlflow_run_id = ?").param(runId).query(Long.class).single();
        JsonNode view = userGet(team.bearer(), "/api/v1/runs/" + id).body();
        assertThat(view.path("kind").asString()).isEqualTo("TRACKED");
        assertThat(view.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(view.path("mlflowRunId").asString()).isEqualTo(runId);
        assertThat(view.path("params").path("lr").asString()).isEqualTo("0.001");
        assertThat(view.path("finalLoss").asDouble()).isEqualTo(2.75);
        assertThat(view.path("spec").isNull()).isTrue();
    }

    @Test
    void experimentIdsAreStringsAndZeroIsTheTeamsDefaultProject() {
        MlflowHttp mlflow = http(team.bearer());
        MlflowHttp.Answer zero = mlflow.get("experiments/get", "experiment_id", "0");
        assertThat(zero.status()).isEqualTo(200);
        assertThat(zero.body().path("experiment").path("name").asString()).isEqualTo("default");
        assertThat(zero.body().path("experiment").path("experiment_id").isString()).isTrue();
        // a run created without an experiment lands there too
        MlflowHttp.Answer created = mlflow.post("runs/create", "{}");
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body().path("run").path("info").path("experiment_id").asString())
                .isEqualTo(zero.body().path("experiment").path("experiment_id").asString());
        // the project-scoped base: experiment 0 is the project in the URI
        MlflowHttp scoped = new MlflowHttp(base() + "/p/" + team.name(), team.bearer());
        MlflowHttp.Answer scopedZero = scoped.get("experiments/get", "experiment_id", "0");
        assertThat(scopedZero.body().path("experiment").path("experiment_id").asString()).isEqualTo(Long.toString(team.projectId()));
        String scopedRun = scoped.post("runs/create", "{\"experiment_id\": \"0\"}").body().path("run").path("info").path("run_id").asString();
        assertThat(client.getRun(scopedRun).getInfo().getExperimentId()).isEqualTo(Long.toString(team.projectId()));
        // team/project in the URI
        MlflowHttp teamScoped = new MlflowHttp(base() + "/p/" + team.name() + "/" + team.name(), team.bearer());
        assertThat(teamScoped.get("experiments/get", "experiment_id", "0").body().path("experiment").path("experiment_id").asString())
                .isEqualTo(Long.toString(team.projectId()));
        assertThat(new MlflowHttp(base() + "/p/" + team.name() + "/nope", team.bearer()).get("experiments/get", "experiment_id", "0")
                .errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        // the official client with a project-scoped tracking URI
        MlflowClient scopedClient = new MlflowClient(new BasicMlflowHostCreds(base() + "/p/" + team.projectId(),
                team.bearer().substring(7)));
        assertThat(scopedClient.createRun().getExperimentId()).isEqualTo(Long.toString(team.projectId()));
    }

    @Test
    void getByNameOfAnAbsentExperimentIs404ResourceDoesNotExist() {
        MlflowHttp.Answer absent = http(team.bearer()).get("experiments/get-by-name", "experiment_name", "no-such-" + UUID.randomUUID());
        assertThat(absent.status()).isEqualTo(404);
        assertThat(absent.contentType()).startsWith("application/json");
        assertThat(absent.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        // creating it twice
        String name = "twice-" + UUID.randomUUID().toString().substring(0, 8);
        client.createExperiment(name);
        MlflowHttp.Answer again = http(team.bearer()).post("experiments/create", "{\"name\": \"" + name + "\"}");
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
        // team/project names
        MlflowHttp.Answer qualified = http(team.bearer()).get("experiments/get-by-name", "experiment_name", team.name() + "/" + name);
        assertThat(qualified.status()).isEqualTo(200);
    }

    @Test
    void runIdsAre32LowercaseHexAndRunUuidIsAnAlias() {
        String runId = newRun("0");
        MlflowHttp mlflow = http(team.bearer());
        assertThat(mlflow.post("runs/log-metric", "{\"run_uuid\": \"" + runId + "\", \"key\": \"m\", \"value\": 1.5, \"timestamp\": 1, \"step\": 0}")
                .status()).isEqualTo(200);
        MlflowHttp.Answer byUuid = mlflow.get("runs/get", "run_uuid", runId);
        assertThat(byUuid.status()).isEqualTo(200);
        assertThat(byUuid.body().path("run").path("info").path("run_uuid").asString()).isEqualTo(runId);
        MlflowHttp.Answer history = mlflow.get("metrics/get-history", "run_uuid", runId, "metric_key", "m");
        assertThat(history.body().path("metrics").get(0).path("value").asDouble()).isEqualTo(1.5);

        for (String malformed : new String[] {"123", runId.toUpperCase(), runId + "0", "../" + runId.substring(3)}) {
            MlflowHttp.Answer answer = mlflow.get("runs/get", "run_id", malformed);
            assertThat(answer.status()).as(malformed).isEqualTo(400);
            assertThat(answer.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        }
        MlflowHttp.Answer unknown = mlflow.get("runs/get", "run_id", "0".repeat(32));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    }

    @Test
    void int64AsStringsAndNonFiniteDoublesAsStringsParseAndNonFiniteValuesAreRefusedClearly() {
        String runId = newRun("0");
        MlflowHttp mlflow = http(team.bearer());
        // protobuf JSON writes int64 as strings
        assertThat(mlflow.post("runs/log-metric", "{\"run_id\": \"" + runId
                + "\", \"key\": \"loss\", \"value\": \"2.5\", \"timestamp\": \"1700000000000\", \"step\": \"7\"}").status()).isEqualTo(200);
        assertThat(client.getMetricHistory(runId, "loss")).extracting(Service.Metric::getStep).containsExactly(7L);
        for (String value : new String[] {"\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "NaN"}) {
            MlflowHttp.Answer refused = mlflow.post("runs/log-batch", "{\"run_id\": \"" + runId + "\", \"metrics\": ["
                    + "{\"key\": \"loss\", \"value\": 1.0, \"timestamp\": 1, \"step\": 8},"
                    + "{\"key\": \"loss\", \"value\": " + value + ", \"timestamp\": 1, \"step\": 9}]}");
            assertThat(refused.status()).as(value).isEqualTo(400);
            assertThat(refused.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
            assertThat(refused.message()).contains("'loss' at step 9").contains("finite values only").contains("nothing of this request was stored");
        }
        // all or nothing: step 8 of the refused batches was not stored
        assertThat(client.getMetricHistory(runId, "loss")).extracting(Service.Metric::getStep).containsExactly(7L);
    }

    @Test
    void paramsAreWriteOnceTagsLastWriteWinsAndOneValuePerStep() {
        String runId = newRun("0");
        client.logParam(runId, "lr", "0.01");
        client.logParam(runId, "lr", "0.01");
        MlflowHttp.Answer rewrite = http(team.bearer()).post("runs/log-parameter",
                "{\"run_id\": \"" + runId + "\", \"key\": \"lr\", \"value\": \"0.02\"}");
        assertThat(rewrite.status()).isEqualTo(400);
        assertThat(rewrite.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(rewrite.message()).contains("Changing param values is not allowed").contains("0.01").contains("0.02");
        assertThat(params(client.getRun(runId))).containsEntry("lr", "0.01");

        client.setTag(runId, "stage", "warmup");
        client.setTag(runId, "stage", "main");
        assertThat(tags(client.getRun(runId))).containsEntry("stage", "main");
        client.deleteTag(runId, "stage");
        assertThat(tags(client.getRun(runId))).doesNotContainKey("stage");
        client.setTag(runId, "mlflow.runName", "renamed");
        assertThat(client.getRun(runId).getInfo().getRunName()).isEqualTo("renamed");

        // several values at one step: the last one logged wins
        client.logMetric(runId, "acc", 0.1, 1000, 3);
        client.logMetric(runId, "acc", 0.2, 2000, 3);
        client.logBatch(runId, List.of(metric("acc", 0.3, 3000, 4), metric("acc", 0.4, 4000, 4)), List.of(), List.of());
        assertThat(client.getMetricHistory(runId, "acc")).extracting(Service.Metric::getValue).containsExactly(0.2, 0.4);
    }

    @Test
    void aBatchOverMlflowsLimitsIsRefusedWithMlflowsError() {
        String runId = newRun("0");
        StringBuilder metrics = new StringBuilder();
        for (int i = 0; i <= 1000; i++) {
            metrics.append(i == 0 ? "" : ",").append("{\"key\": \"m\", \"value\": 1, \"timestamp\": 1, \"step\": ").append(i).append('}');
        }
        MlflowHttp mlflow = http(team.bearer());
        MlflowHttp.Answer tooMany = mlflow.post("runs/log-batch", "{\"run_id\": \"" + runId + "\", \"metrics\": [" + metrics + "]}");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(tooMany.message()).contains("at most 1000 metrics").contains("Got 1001");
        StringBuilder params = new StringBuilder();
        for (int i = 0; i <= 100; i++) {
            params.append(i == 0 ? "" : ",").append("{\"key\": \"p").append(i).append("\", \"value\": \"v\"}");
        }
        MlflowHttp.Answer tooManyParams = mlflow.post("runs/log-batch", "{\"run_id\": \"" + runId + "\", \"params\": [" + params + "]}");
        assertThat(tooManyParams.status()).isEqualTo(400);
        assertThat(tooManyParams.message()).contains("at most 100 params");
        String huge = "x".repeat(1_000_001);
        MlflowHttp.Answer tooBig = mlflow.post("runs/log-batch", "{\"run_id\": \"" + runId + "\", \"tags\": [{\"key\": \"k\", \"value\": \"" + huge + "\"}]}");
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        MlflowHttp.Answer badKey = mlflow.post("runs/log-metric", "{\"run_id\": \"" + runId + "\", \"key\": \"a,b\", \"value\": 1, \"timestamp\": 1}");
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(badKey.message()).contains("Invalid metric name");
        assertThat(client.getRun(runId).getData().getMetricsCount()).isZero();
    }

    @Test
    void aHistoryOf25000PointsComesBackWholeAndInPages() {
        String runId = newRun("0");
        long t0 = 1_700_000_000_000L;
        for (int batch = 0; batch < 25; batch++) {
            List<Service.Metric> points = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int step = batch * 1000 + i;
                points.add(metric("train_loss", 10.0 / (1 + step), t0 + step * 10L, step));
            }
            client.logBatch(runId, points, List.of(), List.of());
        }
        List<Service.Metric> all = client.getMetricHistory(runId, "train_loss");
        assertThat(all).hasSize(25_000);
        assertThat(all.get(24_999).getStep()).isEqualTo(24_999);
        assertThat(all.get(12_345).getValue()).isEqualTo(10.0 / 12_346);

        MlflowHttp mlflow = http(team.bearer());
        List<Long> steps = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            MlflowHttp.Answer page = token == null
                    ? mlflow.get("metrics/get-history", "run_id", runId, "metric_key", "train_loss", "max_results", "10000")
                    : mlflow.get("metrics/get-history", "run_id", runId, "metric_key", "train_loss", "max_results", "10000", "page_token", token);
            assertThat(page.status()).isEqualTo(200);
            page.body().path("metrics").forEach(m -> steps.add(m.path("step").asLong()));
            token = page.body().path("next_page_token").isMissingNode() ? null : page.body().path("next_page_token").asString();
            pages++;
        } while (token != null);
        assertThat(pages).isEqualTo(3);
        assertThat(steps).hasSize(25_000).isSorted().doesNotHaveDuplicates();
        assertThat(mlflow.get("metrics/get-history", "run_id", runId, "metric_key", "train_loss", "page_token", "garbage").errorCode())
                .isEqualTo("INVALID_PARAMETER_VALUE");
    }

    @Test
    void searchFiltersByMetricParamTagAndStatusAndPages() {
        String experiment = client.createExperiment("search-" + UUID.randomUUID().toString().substring(0, 8));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String runId = newRun(experiment);
            ids.add(runId);
            client.logParam(runId, "lr", i % 2 == 0 ? "0.01" : "0.001");
            client.setTag(runId, "optimizer", i < 3 ? "adamw" : "sinkgd");
            client.logMetric(runId, "val_loss", 1.0 + i * 0.25, 1000, 10);
            if (i < 2) {
                client.setTerminated(runId, Service.RunStatus.FINISHED);
            }
        }
        assertThat(search(experiment, "metrics.val_loss < 1.5")).containsExactlyInAnyOrder(ids.get(0), ids.get(1));
        assertThat(search(experiment, "params.lr = '0.01'")).containsExactlyInAnyOrder(ids.get(0), ids.get(2), ids.get(4));
        assertThat(search(experiment, "tags.optimizer = 'sinkgd'")).containsExactlyInAnyOrder(ids.get(3), ids.get(4));
        assertThat(search(experiment, "attributes.status = 'FINISHED'")).containsExactlyInAnyOrder(ids.get(0), ids.get(1));
        assertThat(search(experiment, "params.lr = '0.01' and metrics.val_loss >= 1.5 AND tags.`optimizer` != \"adamw\""))
                .containsExactly(ids.get(4));
        assertThat(search(experiment, "tags.optimizer LIKE 'adam%' and attributes.status = 'RUNNING'")).containsExactly(ids.get(2));

        RunsPage first = client.searchRuns(List.of(experiment), "", Service.ViewType.ACTIVE_ONLY, 2, List.of("metrics.val_loss DESC"));
        assertThat(first.getItems()).extracting(r -> r.getInfo().getRunId()).containsExactly(ids.get(4), ids.get(3));
        assertThat(first.hasNextPage()).isTrue();
        @SuppressWarnings("unchecked")
        List<Service.Run> second = (List<Service.Run>) first.getNextPage().getItems();
        assertThat(second).extracting(r -> r.getInfo().getRunId()).containsExactly(ids.get(2), ids.get(1));

        MlflowHttp.Answer or = http(team.bearer()).post("runs/search", "{\"experiment_ids\": [\"" + experiment
                + "\"], \"filter\": \"params.lr = '0.01' OR params.lr = '0.001'\"}");
        assertThat(or.status()).isEqualTo(400);
        assertThat(or.message()).contains("OR is not supported");

        // a deleted run leaves the default view and comes back when restored
        client.deleteRun(ids.get(0));
        assertThat(search(experiment, "")).doesNotContain(ids.get(0));
        assertThat(client.getRun(ids.get(0)).getInfo().getLifecycleStage()).isEqualTo("deleted");
        client.restoreRun(ids.get(0));
        assertThat(search(experiment, "")).contains(ids.get(0));

        assertThat(client.searchExperiments("name = '" + client.getExperiment(experiment).getName() + "'").getItems())
                .extracting(Service.Experiment::getExperimentId).containsExactly(experiment);
    }

    private List<String> search(String experiment, String filter) {
        return client.searchRuns(List.of(experiment), filter).stream().map(Service.RunInfo::getRunId).toList();
    }

    // ---- access

    @Test
    void anotherTeamsRunsAndExperimentsDoNotExistAndViewersOnlyRead() {
        String runId = newRun(Long.toString(team.projectId()));
        client.logMetric(runId, "loss", 1.0);
        MlflowHttp other = http(otherTeam.bearer());
        assertThat(other.get("runs/get", "run_id", runId).errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(other.get("runs/get", "run_id", runId).status()).isEqualTo(404);
        assertThat(other.post("runs/log-metric", "{\"run_id\": \"" + runId + "\", \"key\": \"loss\", \"value\": 2, \"timestamp\": 1}").status())
                .isEqualTo(404);
        assertThat(other.get("metrics/get-history", "run_id", runId, "metric_key", "loss").status()).isEqualTo(404);
        MlflowHttp.Answer experiment = other.get("experiments/get", "experiment_id", Long.toString(team.projectId()));
        assertThat(experiment.status()).isEqualTo(404);
        assertThat(experiment.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
        assertThat(other.get("experiments/get-by-name", "experiment_name", team.name()).status()).isEqualTo(404);
        assertThat(other.post("runs/search", "{\"experiment_ids\": [\"" + team.projectId() + "\"]}").status()).isEqualTo(404);

        MlflowHttp viewer = http(viewerBearer);
        assertThat(viewer.get("runs/get", "run_id", runId).status()).isEqualTo(200);
        MlflowHttp.Answer write = viewer.post("runs/set-tag", "{\"run_id\": \"" + runId + "\", \"key\": \"k\", \"value\": \"v\"}");
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.errorCode()).isEqualTo("PERMISSION_DENIED");
        assertThat(viewer.post("runs/create", "{\"experiment_id\": \"" + team.projectId() + "\"}").errorCode()).isEqualTo("PERMISSION_DENIED");
    }

    @Test
    void credentialsAreATokenAsBearerOrAsBasicPasswordAndFailuresAreMlflowShaped() {
        String token = team.bearer().substring("Bearer ".length());
        String basic = "Basic " + Base64.getEncoder().encodeToString(("anyone:" + token).getBytes(StandardCharsets.UTF_8));
        assertThat(http(basic).get("experiments/get", "experiment_id", "0").status()).isEqualTo(200);
        assertThat(new MlflowClient(new BasicMlflowHostCreds(base(), "ana", token)).getExperiment("0").getName()).isEqualTo("default");

        MlflowHttp.Answer anonymous = http(null).get("experiments/get", "experiment_id", "0");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.errorCode()).isEqualTo("UNAUTHENTICATED");
        MlflowHttp.Answer worker = http(fixtures.workerBearer()).get("experiments/get", "experiment_id", "0");
        assertThat(worker.status()).isEqualTo(403);
        assertThat(worker.errorCode()).isEqualTo("PERMISSION_DENIED");
        MlflowHttp.Answer artifacts = http(team.bearer()).getAbsolute(base() + "/api/2.0/mlflow-artifacts/artifacts/x");
        assertThat(artifacts.status()).isEqualTo(404);
        assertThat(artifacts.errorCode()).isEqualTo("ENDPOINT_NOT_FOUND");
        assertThatThrownBy(() -> client.getRun("f".repeat(32))).isInstanceOfSatisfying(MlflowHttpException.class,
                e -> assertThat(e.getStatusCode()).isEqualTo(404));
    }

    // ---- NormLab's views and lifecycle

    @Test
    void aTrackedRunShowsInTheRunsListAndInCompareBesideATrainedRun() throws Exception {
        // a trained run with a loss curve: claimed by the team's own worker, which posts metrics
        long trained = fixtures.submit(team);
        String workerToken = teams.issueToken(Caller.Kind.WORKER, null, team.id(), "mlflow-test").value();
        JsonNode claim = send("POST", "/api/v1/worker/claim", "Bearer " + workerToken,
                "{\"workerName\": \"w\", \"deviceKind\": \"cpu\", \"deviceMemoryBytes\": 100000000000, \"waitSeconds\": 5}").body();
        assertThat(claim.path("runId").asLong()).isEqualTo(trained);
        assertThat(send("POST", "/api/v1/worker/runs/" + trained + "/metrics", "Bearer " + workerToken,
                "{\"attempt\": 1, \"points\": [{\"key\": \"train_loss\", \"step\": 0, \"value\": 5.0}, "
                        + "{\"key\": \"train_loss\", \"step\": 10, \"value\": 4.0}]}").status()).isEqualTo(204);

        String runId = client.createRun(Service.CreateRun.newBuilder().setExperimentId(Long.toString(team.projectId()))
                .setRunName("pytorch reference").build()).getRunId();
        client.logParam(runId, "optimizer", "adamw");
        client.logBatch(runId, List.of(metric("train_loss", 5.5, System.currentTimeMillis(), 0),
                metric("train_loss", 3.9, System.currentTimeMillis(), 10)), List.of(), List.of());
        long tracked = jdbc.sql("select id from runs where mlflow_run_id = ?").param(runId).query(Long.class).single();

        JsonNode list = userGet(team.bearer(), "/api/v1/runs?project=" + team.projectId()).body();
        List<String> kinds = new ArrayList<>();
        list.path("items").forEach(r -> {
            if (r.path("id").asLong() == tracked || r.path("id").asLong() == trained) {
                kinds.add(r.path("kind").asString());
            }
        });
        assertThat(kinds).containsExactlyInAnyOrder("TRACKED", "TRAINED");
        // its "optimizer" param makes it an AdamW run for the runs list's filter
        JsonNode adamw = userGet(team.bearer(), "/api/v1/runs?optimizer=adamw&project=" + team.projectId()).body();
        assertThat(adamw.path("items").findValues("id")).extracting(JsonNode::asLong).contains(tracked).doesNotContain(trained);

        JsonNode compare = userGet(team.bearer(), "/api/v1/compare?key=train_loss&runs=" + trained + "," + tracked).body();
        assertThat(compare.path("series")).hasSize(2);
        assertThat(compare.path("series").get(0).path("points")).hasSize(2);
        assertThat(compare.path("series").get(1).path("points")).hasSize(2);
        assertThat(compare.path("series").get(1).path("points").get(1).path("value").asDouble()).isCloseTo(3.9, within(1e-12));
        assertThat(userGet(team.bearer(), "/api/v1/runs/" + tracked + "/metrics?keys=train_loss").status()).isEqualTo(200);
        assertThat(userGet(team.bearer(), "/api/v1/runs/" + tracked + "/history").body().get(0).path("event").asString())
                .isEqualTo("tracked");
        // never in the queue: a tracked run cannot be QUEUED (and the claim above took the trained run)
        assertThat(jdbc.sql("select count(*) from runs where kind = 'TRACKED' and status = 'QUEUED'").query(Long.class).single()).isZero();
    }

    @Test
    void aTrackedRunStreamsItsStateAndMetricsOverServerSentEvents() throws Exception {
        String runId = newRun(Long.toString(team.projectId()));
        long id = jdbc.sql("select id from runs where mlflow_run_id = ?").param(runId).query(Long.class).single();
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        HttpResponse<java.util.stream.Stream<String>> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/runs/" + id + "/events"))
                .header("Authorization", team.bearer()).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> stream.body().forEach(lines::add));
        reader.start();
        awaitLine(lines, "\"status\":\"RUNNING\"");
        client.logMetric(runId, "val loss", 0.5, System.currentTimeMillis(), 1);
        awaitLine(lines, "\"key\":\"val loss\"");
        client.setTerminated(runId, Service.RunStatus.FINISHED);
        awaitLine(lines, "\"status\":\"SUCCEEDED\"");
        reader.join(10_000);
        assertThat(reader.isAlive()).as("the stream ends after a terminal state").isFalse();
    }

    private static void awaitLine(List<String> lines, String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                if (lines.stream().anyMatch(l -> l.contains(fragment))) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no event line with " + fragment + " in " + lines);
    }

    @Test
    void aSilentRunningTrackedRunIsMarkedLostAndLoggingAgainRevivesIt() {
        String runId = newRun("0");
        jdbc.sql("update runs set last_logged_at = now() - interval '31 minutes' where mlflow_run_id = ?").param(runId).update();
        String quiet = newRun("0");
        assertThat(mlflowService.markLostRuns()).isGreaterThanOrEqualTo(1);
        Service.Run lost = client.getRun(runId);
        assertThat(lost.getInfo().getStatus()).isEqualTo(Service.RunStatus.FAILED);
        assertThat(client.getRun(quiet).getInfo().getStatus()).isEqualTo(Service.RunStatus.RUNNING);
        Long id = jdbc.sql("select id from runs where mlflow_run_id = ?").param(runId).query(Long.class).single();
        assertThat(userGet(team.bearer(), "/api/v1/runs/" + id).body().path("error").asString()).startsWith("lost: nothing was logged for 30 min");

        client.logMetric(runId, "loss", 1.0);
        assertThat(client.getRun(runId).getInfo().getStatus()).isEqualTo(Service.RunStatus.RUNNING);
        client.setTerminated(runId, Service.RunStatus.KILLED);
        assertThat(userGet(team.bearer(), "/api/v1/runs/" + id).body().path("status").asString()).isEqualTo("CANCELLED");
        // MLflow resumes a run by setting it RUNNING again
        client.setTerminated(runId, Service.RunStatus.RUNNING);
        assertThat(client.getRun(runId).getInfo().getStatus()).isEqualTo(Service.RunStatus.RUNNING);
        assertThat(http(team.bearer()).post("runs/update", "{\"run_id\": \"" + runId + "\", \"status\": \"SCHEDULED\"}").errorCode())
                .isEqualTo("INVALID_PARAMETER_VALUE");
    }

    @Test
    void deletingAnExperimentArchivesItsProject() {
        String experiment = client.createExperiment("to-delete-" + UUID.randomUUID().toString().substring(0, 8));
        client.deleteExperiment(experiment);
        assertThat(client.getExperiment(experiment).getLifecycleStage()).isEqualTo("deleted");
        MlflowHttp.Answer create = http(team.bearer()).post("runs/create", "{\"experiment_id\": \"" + experiment + "\"}");
        assertThat(create.errorCode()).isEqualTo("INVALID_STATE");
        client.restoreExperiment(experiment);
        assertThat(client.getExperiment(experiment).getLifecycleStage()).isEqualTo("active");
        client.renameExperiment(experiment, "renamed-" + experiment);
        assertThat(client.getExperiment(experiment).getName()).isEqualTo("renamed-" + experiment);
        assertThat(http(team.bearer()).post("experiments/delete", "{\"experiment_id\": \"0\"}").errorCode())
                .isEqualTo("INVALID_PARAMETER_VALUE");
    }

    // ---- helpers

    private record Reply(int status, JsonNode body) {
    }

    private Reply userGet(String bearer, String path) {
        return send("GET", path, bearer, null);
    }

    private Reply send(String method, String path, String bearer, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .header("Authorization", bearer);
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body().isEmpty() ? json.createObjectNode() : json.readTree(response.body()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
