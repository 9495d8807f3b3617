package dev.normlab.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.NormLabApplication;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * The CLI against the real backend started in this JVM (embedded PostgreSQL, home under a temporary "user home", so
 * the token comes from ~/.normlab/admin-token as on a laptop after ./normlab start).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NormLabCliTest {

    @TempDir
    static Path userHome;
    static ConfigurableApplicationContext backend;
    static String url;
    static String adminToken;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startBackend() throws Exception {
        Path home = userHome.resolve(".normlab");
        backend = new SpringApplication(NormLabApplication.class).run("--server.port=0", "--normlab.home=" + home,
                "--normlab.postgres.data-dir=" + userHome.resolve("postgres"));
        url = "http://localhost:" + backend.getEnvironment().getRequiredProperty("local.server.port");
        adminToken = Files.readString(home.resolve("admin-token")).trim();
    }

    @AfterAll
    static void stopBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    record Result(int exit, String out, String err) {
    }

    /** The CLI with NORMLAB_URL set and no NORMLAB_TOKEN: the token comes from ~/.normlab/admin-token. */
    private static Result cli(String... args) {
        return cli(Map.of("NORMLAB_URL", url), args);
    }

    private static Result cli(Map<String, String> env, String... args) {
        CommandLine cli = NormLabCli.commandLine(env, userHome);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static JsonNode http(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isLessThan(300);
        return response.body().isBlank() ? Api.JSON.createObjectNode() : Api.JSON.readTree(response.body());
    }

    private static Path spec(String json) throws Exception {
        Path file = Files.createTempFile(userHome, "spec", ".json");
        Files.writeString(file, json);
        return file;
    }

    /** A team of the admin's own (so only this test's runs are in its queue) with a team worker token. */
    private record Team(String name, String workerToken) {
    }

    private static Team newTeam() throws Exception {
        String name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        http("POST", "/api/v1/teams", adminToken, "{\"name\": \"" + name + "\"}");
        String worker = http("POST", "/api/v1/tokens", adminToken, "{\"name\": \"w\", \"kind\": \"WORKER\", \"team\": \"" + name + "\"}")
                .path("token").asString();
        return new Team(name, worker);
    }

    /** Queues a run in the team, claims it with the team's worker and posts a train_loss curve; returns its id. */
    private static long trainedRunWithCurve(Team team, double... losses) throws Exception {
        Result submitted = cli("runs", "submit", spec("{\"optimizer\": {\"name\": \"sinkgd\"}, \"steps\": 10}").toString(),
                "--project", team.name() + "/default", "--json");
        assertThat(submitted.exit()).as(submitted.err()).isZero();
        long id = Api.JSON.readTree(submitted.out()).path("id").asLong();
        JsonNode claim = http("POST", "/api/v1/worker/claim", team.workerToken(),
                "{\"workerName\": \"cli-test\", \"deviceKind\": \"cpu\", \"deviceMemoryBytes\": 100000000000, \"waitSeconds\": 5}");
        assertThat(claim.path("runId").asLong()).isEqualTo(id);
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < losses.length; i++) {
            points.append(i == 0 ? "" : ",").append("{\"key\": \"train_loss\", \"step\": ").append(i).append(", \"value\": ").append(losses[i]).append('}');
        }
        http("POST", "/api/v1/worker/runs/" + id + "/metrics", team.workerToken(), "{\"attempt\": 1, \"points\": [" + points + "]}");
        return id;
    }

    /** First: the admin is in one team only until another test creates a team (a bare "default" is then ambiguous). */
    @Test
    @Order(1)
    void submitListGetCancelAndWaitOnAQueuedRun() throws Exception {
        // a spec without a project goes to 'default', as ./normlab submit always did
        Result submitted = cli("runs", "submit", spec("{\"name\": \"cli smoke\", \"optimizer\": {\"name\": \"swan\"}, \"steps\": 5}").toString());
        assertThat(submitted.exit()).as(submitted.err()).isZero();
        assertThat(submitted.out()).matches("(?s)Run \\d+ queued in default/default \\(cli smoke\\)\\..*");
        String id = submitted.out().replaceAll("(?s)Run (\\d+) .*", "$1");

        Result list = cli("runs", "list", "--status", "QUEUED");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("ID", "STATUS", "cli smoke", "swan").contains(id);
        Result get = cli("runs", "get", id);
        assertThat(get.out()).contains("status      QUEUED").contains("optimizer   swan").contains("project     default/default");
        assertThat(Api.JSON.readTree(cli("runs", "get", id, "--json").out()).path("status").asString()).isEqualTo("QUEUED");

        Result cancel = cli("runs", "cancel", id);
        assertThat(cancel.exit()).isZero();
        assertThat(cancel.out()).contains("run " + id + ": CANCELLED");
        Result waited = cli("runs", "wait", id);
        assertThat(waited.exit()).isEqualTo(ExitCodes.RUN_CANCELLED);
        assertThat(waited.out()).contains("CANCELLED");
        Result again = cli("runs", "cancel", id);
        assertThat(again.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(again.err()).contains("409").contains("already ended");
    }

    @Test
    void anInvalidSpecPrintsTheProblemDetailAndEveryFieldError() throws Exception {
        Result refused = cli("runs", "submit", spec("{\"optimizer\": {\"name\": \"sinkgd\", \"lr\": -1}, \"steps\": 0}").toString());
        assertThat(refused.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).contains("normlab: 400 Bad Request").contains("normlab:   optimizer.lr:").contains("normlab:   steps:");
        assertThat(refused.out()).isEmpty();
        Result unknownRun = cli("runs", "get", "999999");
        assertThat(unknownRun.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(unknownRun.err()).contains("404").contains("run 999999 not found");
        Result notJson = cli("runs", "submit", spec("{oops").toString());
        assertThat(notJson.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(notJson.err()).contains("is not valid JSON");
        assertThat(cli("runs", "frobnicate").exit()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void credentialsComeFromFlagsEnvironmentOrTheHomeFileAndFailuresHaveTheirExitCodes() throws Exception {
        Result secret = cli("tokens", "create", "laptop", "-q");
        assertThat(secret.exit()).isZero();
        String token = secret.out().trim();
        assertThat(token).isNotBlank().doesNotContain(" ");
        // NORMLAB_TOKEN outranks the file, --token outranks both
        Result viaEnv = cli(Map.of("NORMLAB_URL", url, "NORMLAB_TOKEN", token), "projects", "list");
        assertThat(viaEnv.exit()).as(viaEnv.err()).isZero();
        assertThat(viaEnv.out()).contains("TEAM", "default");
        Result wrong = cli(Map.of("NORMLAB_URL", url, "NORMLAB_TOKEN", token), "projects", "list", "--token", "nlu_wrong");
        assertThat(wrong.exit()).isEqualTo(ExitCodes.DENIED);
        assertThat(wrong.err()).contains("401");
        Map<String, String> noHome = new HashMap<>(Map.of("NORMLAB_URL", url, "NORMLAB_HOME", userHome.resolve("nowhere").toString()));
        Result none = cli(noHome, "projects", "list");
        assertThat(none.exit()).isEqualTo(ExitCodes.DENIED);
        assertThat(none.err()).contains("no token").contains("nowhere");
        Result unreachable = cli("projects", "list", "--url", "http://127.0.0.1:1");
        assertThat(unreachable.exit()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(unreachable.err()).contains("does not answer");
        Result status = cli("status");
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains(": UP").contains("SUCCEEDED");
    }

    @Test
    void waitEndsWithTheRunsStatusAndMetricsAndCompareShowTrainedAndTrackedRuns() throws Exception {
        Team team = newTeam();
        long trained = trainedRunWithCurve(team, 5.0, 4.5, 4.0, 3.75);
        // an MLflow run of the same team, logged as a PyTorch script would
        String mlflow = url + "/mlflow/p/" + team.name() + "/default";   // team/project: every team has a "default"
        String runId = postMlflow(mlflow, "runs/create", "{\"run_name\": \"pytorch adamw\"}").path("run").path("info").path("run_id").asString();
        postMlflow(mlflow, "runs/log-batch", "{\"run_id\": \"" + runId + "\", \"params\": [{\"key\": \"optimizer\", \"value\": \"adamw\"}],"
                + " \"metrics\": [{\"key\": \"train_loss\", \"value\": 5.2, \"timestamp\": 1, \"step\": 0},"
                + " {\"key\": \"train_loss\", \"value\": 3.5, \"timestamp\": 2, \"step\": 3}]}");
        postMlflow(mlflow, "runs/update", "{\"run_id\": \"" + runId + "\", \"status\": \"FINISHED\"}");
        long tracked = http("GET", "/api/v1/runs?name=pytorch%20adamw&size=500", adminToken, null).path("items").findValues("id")
                .stream().mapToLong(JsonNode::asLong).max().orElseThrow();

        Result metrics = cli("runs", "metrics", Long.toString(trained), "--keys", "train_loss");
        assertThat(metrics.exit()).isZero();
        assertThat(metrics.out().lines()).first().isEqualTo("run,key,x,step,value,min,max,count");
        assertThat(metrics.out()).contains(trained + ",train_loss,3,3,3.75,3.75,3.75,1");
        assertThat(Api.JSON.readTree(cli("runs", "metrics", Long.toString(trained), "--format", "json").out()).path("series").get(0)
                .path("points")).hasSize(4);

        Result compare = cli("runs", "compare", Long.toString(trained), Long.toString(tracked), "--key", "train_loss");
        assertThat(compare.exit()).as(compare.err()).isZero();
        assertThat(compare.out()).contains("LAST train_loss").contains("trained").contains("tracked").contains("pytorch adamw")
                .contains("adamw").contains("3.75").contains("3.5");
        Result csv = cli("runs", "compare", Long.toString(trained), Long.toString(tracked), "--format", "csv");
        assertThat(csv.out().lines().count()).isEqualTo(1 + 4 + 2);

        assertThat(cli("runs", "wait", Long.toString(tracked)).exit()).isEqualTo(ExitCodes.OK);
        assertThat(cli("runs", "get", Long.toString(tracked)).out()).contains("tracked (MLflow run " + runId + ")")
                .contains("params      optimizer=adamw").contains("train_loss  3.5 at step 3");

        http("POST", "/api/v1/worker/runs/" + trained + "/finish", team.workerToken(),
                "{\"attempt\": 1, \"status\": \"FAILED\", \"failure\": \"OOM\", \"error\": \"out of memory at step 3\"}");
        Result failed = cli("runs", "wait", Long.toString(trained), "--interval", "100ms", "--timeout", "30s");
        assertThat(failed.exit()).isEqualTo(ExitCodes.RUN_FAILED);
        assertThat(failed.out()).contains("run " + trained + " failed: OOM: out of memory at step 3");
    }

    private static JsonNode postMlflow(String base, String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/2.0/mlflow/" + path))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Api.JSON.readTree(response.body());
    }
}
