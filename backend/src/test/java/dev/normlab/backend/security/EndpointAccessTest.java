package dev.normlab.backend.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.support.Browser;
import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.system.NormLabHome;
import dev.normlab.backend.team.AccountService;
import dev.normlab.backend.team.Caller;
import dev.normlab.backend.team.TeamRole;
import dev.normlab.backend.team.TeamService;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every endpoint × every kind of caller → the expected status, over real HTTP (real sessions, cookies and CSRF).
 * Team A has a viewer and a member; team B's owner is "another team"; the platform admin is in neither. A new
 * endpoint without a row here fails {@link #everyEndpointHasARow()}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointAccessTest {

    enum Who {
        ANONYMOUS, GARBAGE_TOKEN, REVOKED_TOKEN, WORKER_TOKEN, VIEWER, MEMBER, OTHER_TEAM_OWNER, ADMIN,
        EXPIRED_SESSION, SESSION_WITHOUT_CSRF
    }

    @LocalServerPort
    int port;
    @Autowired
    Fixtures fixtures;
    @Autowired
    TeamService teams;
    @Autowired
    AccountService accounts;
    @Autowired
    NormLabHome home;
    @Autowired
    LoginThrottle throttle;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<Who, String> bearer = new EnumMap<>(Who.class);
    private final Map<String, Row> table = new LinkedHashMap<>();
    private Fixtures.Team teamA;
    private Browser memberSession;
    private String expiredSessionCookie;
    private Caller owner;
    private Caller admin;
    private long memberId;

    private record Row(String method, Supplier<String> path, String body, Map<Who, Integer> expected) {
    }

    @BeforeAll
    void teamsUsersAndTokens() throws Exception {
        teamA = fixtures.newTeam("acl-a");
        Fixtures.Team teamB = fixtures.newTeam("acl-b");
        owner = fixtures.caller(teamA.bearer());
        admin = fixtures.caller(fixtures.adminBearer());
        String password = "correct horse battery";
        long viewerId = accounts.create(admin, "viewer-" + teamA.name(), password, false).id();
        memberId = accounts.create(admin, "member-" + teamA.name(), password, false).id();
        teams.setMember(owner, teamA.id(), "viewer-" + teamA.name(), TeamRole.VIEWER);
        teams.setMember(owner, teamA.id(), "member-" + teamA.name(), TeamRole.MEMBER);

        bearer.put(Who.GARBAGE_TOKEN, "Bearer nlu_garbage");
        var revoked = teams.issueToken(Caller.Kind.USER, memberId, null, "to revoke");
        bearer.put(Who.REVOKED_TOKEN, "Bearer " + revoked.value());
        bearer.put(Who.WORKER_TOKEN, fixtures.workerBearer());
        bearer.put(Who.VIEWER, "Bearer " + teams.issueToken(Caller.Kind.USER, viewerId, null, "viewer").value());
        bearer.put(Who.MEMBER, "Bearer " + teams.issueToken(Caller.Kind.USER, memberId, null, "member").value());
        bearer.put(Who.OTHER_TEAM_OWNER, teamB.bearer());
        bearer.put(Who.ADMIN, fixtures.adminBearer());
        Caller member = fixtures.caller(bearer.get(Who.MEMBER));
        long revokedId = teams.myTokens(member).stream().filter(t -> t.name().equals("to revoke")).findFirst().orElseThrow().id();
        teams.revoke(member, revokedId);

        memberSession = new Browser(port);
        assertThat(memberSession.signIn("member-" + teamA.name(), password).statusCode()).isEqualTo(200);
        Browser expired = new Browser(port);
        assertThat(expired.signIn("member-" + teamA.name(), password).statusCode()).isEqualTo(200);
        expiredSessionCookie = expired.cookie("NORMLAB_SESSION").orElseThrow();
        assertThat(expired.delete("/api/v1/session").statusCode()).isEqualTo(204);
        throttle.reset();
        buildTable();
    }

    /** Statuses for the six callers that fail or pass on credentials alone, then the four that depend on roles. */
    private static Map<Who, Integer> expect(int worker, int viewer, int member, int otherOwner, int admin, int withoutCsrf) {
        Map<Who, Integer> e = new EnumMap<>(Who.class);
        e.put(Who.ANONYMOUS, 401);
        e.put(Who.GARBAGE_TOKEN, 401);
        e.put(Who.REVOKED_TOKEN, 401);
        e.put(Who.EXPIRED_SESSION, 401);
        e.put(Who.WORKER_TOKEN, worker);
        e.put(Who.VIEWER, viewer);
        e.put(Who.MEMBER, member);
        e.put(Who.OTHER_TEAM_OWNER, otherOwner);
        e.put(Who.ADMIN, admin);
        e.put(Who.SESSION_WITHOUT_CSRF, withoutCsrf);
        return e;
    }

    /** A user endpoint any signed-in user may read. */
    private static Map<Who, Integer> readableByUsers() {
        return expect(403, 200, 200, 200, 200, 200);
    }

    /** A read of one of team A's runs: its members see it, everybody else gets 404. */
    private static Map<Who, Integer> teamARunRead() {
        return expect(403, 200, 200, 404, 404, 200);
    }

    /** A worker-protocol call on one of team A's runs that no worker holds. */
    private static Map<Who, Integer> workerCallOnUnclaimedRun() {
        return expect(409, 403, 403, 403, 403, 403);
    }

    private void row(String method, String pattern, Supplier<String> path, String body, Map<Who, Integer> expected) {
        table.put(method + " " + pattern, new Row(method, path, body, expected));
    }

    private void buildTable() {
        String spec = "{\"project\": \"" + teamA.name() + "\", \"optimizer\": {\"name\": \"sgd\"}, \"steps\": 1}";
        Supplier<String> run = () -> "/api/v1/runs/" + newRunInA();
        String attempt = "{\"attempt\": 1}";

        row("POST", "/api/v1/session", () -> "/api/v1/session", "{\"username\": \"nobody\", \"password\": \"wrong password\"}",
                withCredentialFailures(expect(401, 401, 401, 401, 401, 403), 403, 401, 401, 403));
        row("DELETE", "/api/v1/session", () -> "/api/v1/session", null, withCredentialFailures(
                expect(204, 204, 204, 204, 204, 403), 204, 204, 204, 204));
        row("GET", "/api/v1/me", () -> "/api/v1/me", null, readableByUsers());
        // a wrong current password is a 400; team B's owner has no password yet, so the token alone may set one
        row("PUT", "/api/v1/me/password", () -> "/api/v1/me/password",
                "{\"currentPassword\": \"not it at all\", \"newPassword\": \"a new long password\"}", expect(403, 400, 400, 204, 400, 403));

        row("GET", "/api/v1/runs", () -> "/api/v1/runs", null, readableByUsers());
        row("POST", "/api/v1/runs", () -> "/api/v1/runs", spec, expect(403, 403, 201, 400, 400, 403));
        row("GET", "/api/v1/runs/{id}", run, null, teamARunRead());
        row("GET", "/api/v1/runs/{id}/history", () -> run.get() + "/history", null, teamARunRead());
        row("GET", "/api/v1/runs/{id}/metrics", () -> run.get() + "/metrics", null, teamARunRead());
        row("GET", "/api/v1/runs/{id}/events", () -> run.get() + "/events", null, teamARunRead());
        row("GET", "/api/v1/compare", () -> "/api/v1/compare?key=train_loss&runs=" + newRunInA(), null, teamARunRead());
        row("POST", "/api/v1/runs/{id}/cancel", () -> run.get() + "/cancel", null, expect(403, 403, 200, 404, 404, 403));
        row("POST", "/api/v1/runs/{id}/clone", () -> run.get() + "/clone", "{}", expect(403, 403, 201, 404, 404, 403));
        row("PATCH", "/api/v1/runs/{id}", run, "{\"notes\": \"n\"}", expect(403, 403, 200, 404, 404, 403));
        row("DELETE", "/api/v1/runs/{id}", run, null, expect(403, 403, 204, 404, 404, 403));

        row("GET", "/api/v1/memory/estimate", () -> "/api/v1/memory/estimate?model=nano", null, readableByUsers());
        row("GET", "/api/v1/workers", () -> "/api/v1/workers", null, readableByUsers());

        row("GET", "/api/v1/projects", () -> "/api/v1/projects", null, readableByUsers());
        row("POST", "/api/v1/projects", () -> "/api/v1/projects",
                "{\"name\": \"p-" + UUID.randomUUID() + "\", \"team\": \"" + teamA.name() + "\"}", expect(403, 403, 403, 400, 400, 403));
        row("PATCH", "/api/v1/projects/{id}", () -> "/api/v1/projects/" + teamA.projectId(), "{\"archived\": false}",
                expect(403, 403, 403, 404, 404, 403));

        row("GET", "/api/v1/teams", () -> "/api/v1/teams", null, readableByUsers());
        row("POST", "/api/v1/teams", () -> "/api/v1/teams", null, expect(403, 403, 403, 403, 201, 403));
        row("PATCH", "/api/v1/teams/{id}", () -> "/api/v1/teams/" + teamA.id(), "{\"name\": \"" + teamA.name() + "\"}",
                expect(403, 403, 403, 404, 200, 403));
        row("GET", "/api/v1/teams/{id}/members", () -> "/api/v1/teams/" + teamA.id() + "/members", null,
                expect(403, 200, 200, 404, 200, 200));
        row("PUT", "/api/v1/teams/{id}/members/{username}", () -> "/api/v1/teams/" + teamA.id() + "/members/" + newUser(),
                "{\"role\": \"VIEWER\"}", expect(403, 403, 403, 404, 200, 403));
        row("DELETE", "/api/v1/teams/{id}/members/{username}", () -> "/api/v1/teams/" + teamA.id() + "/members/" + newViewerOfA(),
                null, expect(403, 403, 403, 404, 204, 403));
        row("GET", "/api/v1/teams/{id}/tokens", () -> "/api/v1/teams/" + teamA.id() + "/tokens", null,
                expect(403, 403, 403, 404, 200, 403));

        row("GET", "/api/v1/users", () -> "/api/v1/users", null, expect(403, 403, 403, 403, 200, 403));
        row("POST", "/api/v1/users", () -> "/api/v1/users", null, expect(403, 403, 403, 403, 201, 403));
        row("PATCH", "/api/v1/users/{id}", () -> "/api/v1/users/" + memberId, "{\"disabled\": false}",
                expect(403, 403, 403, 403, 200, 403));
        row("PUT", "/api/v1/users/{id}/password", () -> "/api/v1/users/" + newUserId() + "/password",
                "{\"password\": \"reset to this long one\"}", expect(403, 403, 403, 403, 204, 403));

        row("GET", "/api/v1/tokens", () -> "/api/v1/tokens", null, readableByUsers());
        row("POST", "/api/v1/tokens", () -> "/api/v1/tokens", "{\"name\": \"t\", \"kind\": \"USER\"}",
                expect(403, 201, 201, 201, 201, 403));
        row("DELETE", "/api/v1/tokens/{id}", () -> "/api/v1/tokens/" + newMemberToken(), null,
                expect(403, 404, 204, 404, 404, 403));

        row("POST", "/api/v1/worker/claim", () -> "/api/v1/worker/claim",
                "{\"workerName\": \"acl\", \"deviceKind\": \"gpu\", \"deviceMemoryBytes\": 1, \"waitSeconds\": 0}",
                expect(204, 403, 403, 403, 403, 403));
        row("POST", "/api/v1/worker/claim/withdraw", () -> "/api/v1/worker/claim/withdraw", "{\"workerName\": \"acl\"}",
                expect(204, 403, 403, 403, 403, 403));
        row("POST", "/api/v1/worker/runs/{id}/heartbeat", () -> "/api/v1/worker" + run.get().substring(7) + "/heartbeat",
                attempt, workerCallOnUnclaimedRun());
        row("POST", "/api/v1/worker/runs/{id}/checkpoint", () -> "/api/v1/worker" + run.get().substring(7) + "/checkpoint",
                "{\"attempt\": 1, \"step\": 1, \"location\": \"x\"}", workerCallOnUnclaimedRun());
        row("POST", "/api/v1/worker/runs/{id}/finish", () -> "/api/v1/worker" + run.get().substring(7) + "/finish",
                "{\"attempt\": 1, \"status\": \"SUCCEEDED\"}", workerCallOnUnclaimedRun());
        row("POST", "/api/v1/worker/runs/{id}/release", () -> "/api/v1/worker" + run.get().substring(7) + "/release",
                attempt, workerCallOnUnclaimedRun());
        row("POST", "/api/v1/worker/runs/{id}/metrics", () -> "/api/v1/worker" + run.get().substring(7) + "/metrics",
                "{\"attempt\": 1, \"points\": []}", workerCallOnUnclaimedRun());
        mlflowRows();
    }

    /**
     * The MLflow API under its three bases (plain, and scoped to team A's project by id and by team/project). Bodies may hold {run}: a fresh
     * tracked run of team A (with tag "k"), and {unique}: a fresh name.
     */
    private void mlflowRows() {
        String p = Long.toString(teamA.projectId());
        Map<Who, Integer> read = teamARunRead();
        Map<Who, Integer> write = expect(403, 403, 200, 404, 404, 403);
        Map<Who, Integer> ownerWrite = expect(403, 403, 403, 404, 404, 403);
        for (String base : List.of("/mlflow/api/2.0/mlflow", "/mlflow/p/{project}/api/2.0/mlflow", "/mlflow/p/{team}/{project}/api/2.0/mlflow")) {
            String at = base.replace("{team}", teamA.name()).replace("{project}", base.contains("{team}") ? teamA.name() : p);
            row("POST", base + "/experiments/create", () -> at + "/experiments/create", "{\"name\": \"{unique}\"}",
                    expect(403, 403, 200, 200, 200, 403));
            row("GET", base + "/experiments/get", () -> at + "/experiments/get?experiment_id=" + p, null, read);
            row("GET", base + "/experiments/get-by-name", () -> at + "/experiments/get-by-name?experiment_name=" + teamA.name(), null, read);
            row("POST", base + "/experiments/search", () -> at + "/experiments/search", "{}", expect(403, 200, 200, 200, 200, 403));
            row("POST", base + "/experiments/update", () -> at + "/experiments/update",
                    "{\"experiment_id\": \"" + p + "\", \"new_name\": \"" + teamA.name() + "\"}", ownerWrite);
            row("POST", base + "/experiments/delete", () -> at + "/experiments/delete", "{\"experiment_id\": \"" + p + "\"}", ownerWrite);
            row("POST", base + "/experiments/restore", () -> at + "/experiments/restore", "{\"experiment_id\": \"" + p + "\"}", ownerWrite);
            row("POST", base + "/runs/create", () -> at + "/runs/create", "{\"experiment_id\": \"" + p + "\"}", write);
            row("GET", base + "/runs/get", () -> at + "/runs/get?run_id=" + newTrackedRunInA(), null, read);
            row("POST", base + "/runs/update", () -> at + "/runs/update", "{\"run_id\": \"{run}\", \"status\": \"FINISHED\"}", write);
            row("POST", base + "/runs/delete", () -> at + "/runs/delete", "{\"run_id\": \"{run}\"}", write);
            row("POST", base + "/runs/restore", () -> at + "/runs/restore", "{\"run_id\": \"{run}\"}", write);
            row("POST", base + "/runs/log-metric", () -> at + "/runs/log-metric",
                    "{\"run_id\": \"{run}\", \"key\": \"m\", \"value\": 1.5, \"timestamp\": 1, \"step\": 0}", write);
            row("POST", base + "/runs/log-parameter", () -> at + "/runs/log-parameter",
                    "{\"run_id\": \"{run}\", \"key\": \"p\", \"value\": \"v\"}", write);
            row("POST", base + "/runs/set-tag", () -> at + "/runs/set-tag", "{\"run_id\": \"{run}\", \"key\": \"t\", \"value\": \"v\"}", write);
            row("POST", base + "/runs/delete-tag", () -> at + "/runs/delete-tag", "{\"run_id\": \"{run}\", \"key\": \"k\"}", write);
            row("POST", base + "/runs/log-batch", () -> at + "/runs/log-batch",
                    "{\"run_id\": \"{run}\", \"metrics\": [{\"key\": \"m\", \"value\": 1, \"timestamp\": 1, \"step\": 1}]}", write);
            row("POST", base + "/runs/search", () -> at + "/runs/search", "{\"experiment_ids\": [\"" + p + "\"]}",
                    expect(403, 200, 200, 404, 404, 403));
            row("GET", base + "/metrics/get-history", () -> at + "/metrics/get-history?metric_key=m&run_id=" + newTrackedRunInA(), null, read);
        }
    }

    /** A tracked run of team A (created by its owner through the MLflow API), tagged k=v; returns its MLflow run id. */
    private String newTrackedRunInA() {
        try {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/mlflow/api/2.0/mlflow/runs/create"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"experiment_id\": \"" + teamA.projectId()
                            + "\", \"tags\": [{\"key\": \"k\", \"value\": \"v\"}]}"))
                    .header("Content-Type", "application/json").header("Authorization", teamA.bearer()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            return com.jayway.jsonpath.JsonPath.read(created.body(), "$.run.info.run_id");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Overrides the credential-failure callers for endpoints that answer before authentication matters. */
    private static Map<Who, Integer> withCredentialFailures(Map<Who, Integer> e, int anonymous, int garbage, int revoked, int expired) {
        e.put(Who.ANONYMOUS, anonymous);
        e.put(Who.GARBAGE_TOKEN, garbage);
        e.put(Who.REVOKED_TOKEN, revoked);
        e.put(Who.EXPIRED_SESSION, expired);
        return e;
    }

    @Test
    void everyEndpointAnswersEveryKindOfCallerAsExpected() throws Exception {
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, Row> entry : table.entrySet()) {
            Row row = entry.getValue();
            for (Who who : Who.values()) {
                String path = row.path().get();
                String body = bodyFor(entry.getKey(), row.body());
                HttpResponse<InputStream> response = send(who, row.method(), path, body);
                int status = response.statusCode();
                String text = "";
                try (InputStream in = response.body()) {
                    if (!path.endsWith("/events") || status != 200) {
                        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
                if (status != row.expected().get(who)) {
                    mismatches.add(entry.getKey() + " as " + who + ": expected " + row.expected().get(who) + ", got " + status
                            + " " + text.substring(0, Math.min(200, text.length())));
                }
                if (status >= 400 && path.startsWith("/mlflow/")) {
                    // MLflow clients read MLflow's error shape
                    assertThat(response.headers().firstValue("Content-Type")).as(entry.getKey() + " as " + who)
                            .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
                    assertThat(text).as(entry.getKey() + " as " + who).contains("\"error_code\"");
                } else if (status >= 400) {
                    assertThat(response.headers().firstValue("Content-Type")).as(entry.getKey() + " as " + who)
                            .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
                }
                if (status == 401) {
                    assertThat(response.headers().firstValue("WWW-Authenticate")).as(entry.getKey() + " as " + who).isPresent();
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void everyEndpointHasARow() {
        TreeSet<String> endpoints = mappings.getHandlerMethods().keySet().stream()
                .flatMap(info -> info.getPatternValues().stream().flatMap(pattern -> info.getMethodsCondition().getMethods()
                        .stream().map(method -> method.name() + " " + pattern)))
                .filter(endpoint -> endpoint.contains(" /api/") || endpoint.contains(" /mlflow/"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(table.keySet()).containsAll(endpoints);
    }

    /** Bodies that must differ per request (names are unique). */
    private String bodyFor(String endpoint, String body) {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        return switch (endpoint) {
            case "POST /api/v1/teams" -> "{\"name\": \"team-" + unique + "\"}";
            case "POST /api/v1/users" -> "{\"username\": \"user-" + unique + "\", \"password\": \"a long password\"}";
            default -> body == null ? null
                    : body.replace("{unique}", "exp-" + unique).replace("{run}", body.contains("{run}") ? newTrackedRunInA() : "");
        };
    }

    private HttpResponse<InputStream> send(Who who, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        switch (who) {
            case ANONYMOUS -> {
            }
            case EXPIRED_SESSION -> request.header("Cookie", "NORMLAB_SESSION=" + expiredSessionCookie);
            case SESSION_WITHOUT_CSRF -> request.header("Cookie", "NORMLAB_SESSION=" + memberSession.cookie("NORMLAB_SESSION").orElseThrow());
            default -> request.header("Authorization", bearer.get(who));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private long newRunInA() {
        return fixtures.submit(teamA);
    }

    private String newUser() {
        String name = "new-" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(admin, name, "a long password", false);
        return name;
    }

    private long newUserId() {
        return accounts.create(admin, "new-" + UUID.randomUUID().toString().substring(0, 8), "a long password", false).id();
    }

    private String newViewerOfA() {
        String name = newUser();
        teams.setMember(owner, teamA.id(), name, TeamRole.VIEWER);
        return name;
    }

    private long newMemberToken() {
        Caller member = fixtures.caller(bearer.get(Who.MEMBER));
        return teams.issue(member, Caller.Kind.USER, null, "to delete").token().id();
    }

    @SuppressWarnings("unused")
    private String adminPassword() throws Exception {
        return Files.readString(home.home().resolve("admin-password")).trim();
    }
}
