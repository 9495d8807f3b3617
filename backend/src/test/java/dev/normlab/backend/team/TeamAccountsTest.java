package dev.normlab.backend.team;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.normlab.backend.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** A second person joins a team: admin creates the user and the team, the owner manages roles and projects. */
@SpringBootTest
@AutoConfigureMockMvc
class TeamAccountsTest {

    @Autowired
    MockMvcTester mvc;
    @Autowired
    Fixtures fixtures;

    private MvcTestResult call(String method, String uri, String bearer, String body) {
        var request = switch (method) {
            case "GET" -> mvc.get().uri(uri);
            case "POST" -> mvc.post().uri(uri);
            case "PUT" -> mvc.put().uri(uri);
            case "PATCH" -> mvc.patch().uri(uri);
            default -> mvc.delete().uri(uri);
        };
        request.header(HttpHeaders.AUTHORIZATION, bearer);
        if (body != null) {
            request.contentType(MediaType.APPLICATION_JSON).content(body);
        }
        return request.exchange();
    }

    private static String read(MvcTestResult result, String path) {
        return String.valueOf((Object) JsonPath.read(new String(result.getResponse().getContentAsByteArray(), StandardCharsets.UTF_8), path));
    }

    /** A user created by the admin, with a token of their own. */
    private String newUserWithToken(String name) {
        MvcTestResult created = call("POST", "/api/v1/users", fixtures.adminBearer(), "{\"username\": \"" + name + "\"}");
        assertThat(created).hasStatus(HttpStatus.CREATED).bodyJson().extractingPath("$.initialPassword").asString().hasSize(24);
        return "Bearer " + fixtures.issueUserToken(Long.parseLong(read(created, "$.id")));
    }

    @Test
    void theOwnerAddsAMemberWhoseRoleDecidesWhatTheyMayDo() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String ownerName = "owner-" + suffix;
        String owner = newUserWithToken(ownerName);
        String alice = newUserWithToken("alice-" + suffix);
        MvcTestResult team = call("POST", "/api/v1/teams", fixtures.adminBearer(),
                "{\"name\": \"lab-" + suffix + "\", \"owner\": \"" + ownerName + "\"}");
        assertThat(team).hasStatus(HttpStatus.CREATED);
        long teamId = Long.parseLong(read(team, "$.id"));
        String spec = "{\"project\": \"lab-" + suffix + "/default\", \"optimizer\": {\"name\": \"sgd\"}, \"steps\": 1}";

        // not a member yet: the project is not hers
        assertThat(call("POST", "/api/v1/runs", alice, spec)).hasStatus(HttpStatus.BAD_REQUEST);
        assertThat(call("PUT", "/api/v1/teams/" + teamId + "/members/alice-" + suffix, alice, "{\"role\": \"OWNER\"}"))
                .hasStatus(HttpStatus.NOT_FOUND);

        assertThat(call("PUT", "/api/v1/teams/" + teamId + "/members/alice-" + suffix, owner, "{\"role\": \"MEMBER\"}")).hasStatusOk();
        assertThat(call("GET", "/api/v1/me", alice, null)).hasStatusOk().bodyJson().extractingPath("$.teams[0].role").isEqualTo("MEMBER");
        MvcTestResult submitted = call("POST", "/api/v1/runs", alice, spec);
        assertThat(submitted).hasStatus(HttpStatus.CREATED).bodyJson().extractingPath("$.submittedBy").isEqualTo("alice-" + suffix);
        long run = Long.parseLong(read(submitted, "$.id"));
        assertThat(call("GET", "/api/v1/runs?submittedBy=alice-" + suffix, owner, null)).hasStatusOk()
                .bodyJson().extractingPath("$.items[*].id").asArray().containsExactly((int) run);
        // a member may not manage the team
        assertThat(call("PUT", "/api/v1/teams/" + teamId + "/members/alice-" + suffix, alice, "{\"role\": \"OWNER\"}"))
                .hasStatus(HttpStatus.FORBIDDEN);

        // demoted to viewer: reads, but changes nothing, at once
        assertThat(call("PUT", "/api/v1/teams/" + teamId + "/members/alice-" + suffix, owner, "{\"role\": \"VIEWER\"}")).hasStatusOk();
        assertThat(call("GET", "/api/v1/runs/" + run, alice, null)).hasStatusOk();
        assertThat(call("POST", "/api/v1/runs/" + run + "/cancel", alice, null)).hasStatus(HttpStatus.FORBIDDEN);
        assertThat(call("POST", "/api/v1/runs", alice, spec)).hasStatus(HttpStatus.FORBIDDEN);
        assertThat(call("GET", "/api/v1/runs/" + run, alice, null)).bodyJson().extractingPath("$.status").isEqualTo("QUEUED");

        assertThat(call("GET", "/api/v1/teams/" + teamId + "/members", alice, null)).hasStatusOk()
                .bodyJson().extractingPath("$[*].role").asArray().containsExactlyInAnyOrder("OWNER", "VIEWER");
    }

    @Test
    void theLastOwnerCannotLeaveOrStepDown() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Fixtures.Team team = fixtures.newTeam("solo");
        String ownerName = team.name() + "-user";
        String uri = "/api/v1/teams/" + team.id() + "/members/";
        assertThat(call("DELETE", uri + ownerName, team.bearer(), null)).hasStatus(HttpStatus.CONFLICT);
        assertThat(call("PUT", uri + ownerName, team.bearer(), "{\"role\": \"MEMBER\"}")).hasStatus(HttpStatus.CONFLICT);

        newUserWithToken("bob-" + suffix);
        assertThat(call("PUT", uri + "bob-" + suffix, team.bearer(), "{\"role\": \"OWNER\"}")).hasStatusOk();
        assertThat(call("DELETE", uri + ownerName, team.bearer(), null)).hasStatus(HttpStatus.NO_CONTENT);
        assertThat(call("GET", "/api/v1/runs?project=" + team.name(), team.bearer(), null)).hasStatusOk()
                .bodyJson().extractingPath("$.totalItems").isEqualTo(0);
    }

    @Test
    void anArchivedProjectIsHiddenFromPickersAndReadOnly() {
        Fixtures.Team team = fixtures.newTeam("arch");
        long run = fixtures.submit(team);
        assertThat(call("PATCH", "/api/v1/projects/" + team.projectId(), team.bearer(), "{\"archived\": true}"))
                .hasStatusOk().bodyJson().extractingPath("$.archivedAt").isNotNull();
        assertThat(call("GET", "/api/v1/projects", team.bearer(), null)).bodyJson().extractingPath("$[*].name").asArray()
                .doesNotContain(team.name());
        assertThat(call("GET", "/api/v1/projects?archived=true", team.bearer(), null)).bodyJson().extractingPath("$[*].name")
                .asArray().contains(team.name());
        assertThat(call("POST", "/api/v1/runs", team.bearer(), team.spec("sgd"))).hasStatus(HttpStatus.CONFLICT);
        assertThat(call("PATCH", "/api/v1/runs/" + run, team.bearer(), "{\"notes\": \"x\"}")).hasStatus(HttpStatus.CONFLICT);
        assertThat(call("DELETE", "/api/v1/runs/" + run, team.bearer(), null)).hasStatus(HttpStatus.CONFLICT);
        assertThat(call("GET", "/api/v1/runs/" + run, team.bearer(), null)).hasStatusOk();

        assertThat(call("PATCH", "/api/v1/projects/" + team.projectId(), team.bearer(), "{\"archived\": false}")).hasStatusOk();
        assertThat(call("PATCH", "/api/v1/runs/" + run, team.bearer(), "{\"notes\": \"x\"}")).hasStatusOk();
    }

    @Test
    void aDisabledUsersTokensStopWorkingAndTokensCanBeListedAndRevoked() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String carol = newUserWithToken("carol-" + suffix);
        assertThat(call("GET", "/api/v1/me", carol, null)).hasStatusOk();
        MvcTestResult tokens = call("GET", "/api/v1/tokens", carol, null);
        assertThat(tokens).hasStatusOk().bodyJson().extractingPath("$[0].lastUsedAt").isNotNull();
        assertThat(tokens).bodyJson().extractingPath("$[0]").asMap().doesNotContainKeys("token", "tokenHash");

        MvcTestResult issued = call("POST", "/api/v1/tokens", carol, "{\"name\": \"laptop\", \"kind\": \"USER\"}");
        String laptop = "Bearer " + read(issued, "$.token");
        assertThat(call("GET", "/api/v1/me", laptop, null)).hasStatusOk();
        assertThat(call("DELETE", "/api/v1/tokens/" + read(issued, "$.id"), carol, null)).hasStatus(HttpStatus.NO_CONTENT);
        assertThat(call("GET", "/api/v1/me", laptop, null)).hasStatus(HttpStatus.UNAUTHORIZED);

        long carolId = Long.parseLong(read(call("GET", "/api/v1/me", carol, null), "$.id"));
        assertThat(call("PATCH", "/api/v1/users/" + carolId, fixtures.adminBearer(), "{\"disabled\": true}")).hasStatusOk();
        assertThat(call("GET", "/api/v1/me", carol, null)).hasStatus(HttpStatus.UNAUTHORIZED);
        assertThat(call("GET", "/api/v1/users", fixtures.adminBearer(), null)).bodyJson().extractingPath("$[*]")
                .asArray().allSatisfy(user -> assertThat(user.toString()).doesNotContain("password=", "passwordHash"));
    }

    @Test
    void passwordsHaveAMinimumLength() {
        assertThat(call("POST", "/api/v1/users", fixtures.adminBearer(), "{\"username\": \"short-" + UUID.randomUUID()
                .toString().substring(0, 8) + "\", \"password\": \"short\"}"))
                .hasStatus(HttpStatus.BAD_REQUEST).bodyJson().extractingPath("$.errors[0].field").isEqualTo("password");
    }
}
