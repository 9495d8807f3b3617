package dev.normlab.backend.team;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.normlab.backend.run.RunAccess;
import dev.normlab.backend.run.RunNotFoundException;
import dev.normlab.backend.support.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

@SpringBootTest
@AutoConfigureMockMvc
class AuthorizationTest {

    private static final String CLAIM = "{\"workerName\": \"w\", \"deviceKind\": \"cpu\", \"deviceMemoryBytes\": 1, \"waitSeconds\": 0}";

    @Autowired
    MockMvcTester mvc;
    @Autowired
    Fixtures fixtures;
    @Autowired
    RunAccess runAccess;

    private long submit(Fixtures.Team team) {
        return Fixtures.idOf(mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, team.bearer())
                .contentType(MediaType.APPLICATION_JSON).content(team.spec("swan")).exchange());
    }

    @Test
    void aRequestWithoutTokenIs401WithProblemJson() {
        assertThat(mvc.get().uri("/api/v1/runs")).hasStatus(HttpStatus.UNAUTHORIZED)
                .headers().hasValue(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(mvc.post().uri("/api/v1/worker/claim").contentType(MediaType.APPLICATION_JSON).content(CLAIM))
                .hasStatus(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void anUnknownTokenOrAnotherSchemeIs401() {
        assertThat(mvc.get().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, "Bearer nlu_not-a-token"))
                .hasStatus(HttpStatus.UNAUTHORIZED);
        assertThat(mvc.get().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, "Basic YWRtaW46YWRtaW4="))
                .hasStatus(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void aWorkerTokenOnUserEndpointsIs403() {
        assertThat(mvc.get().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, fixtures.workerBearer()))
                .hasStatus(HttpStatus.FORBIDDEN);
        assertThat(mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, fixtures.workerBearer())
                .contentType(MediaType.APPLICATION_JSON).content(Fixtures.SPEC)).hasStatus(HttpStatus.FORBIDDEN);
    }

    @Test
    void aUserTokenOnWorkerEndpointsIs403() {
        assertThat(mvc.post().uri("/api/v1/worker/claim").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content(CLAIM)).hasStatus(HttpStatus.FORBIDDEN);
        assertThat(mvc.post().uri("/api/v1/worker/runs/1/heartbeat").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content("{\"attempt\": 1}")).hasStatus(HttpStatus.FORBIDDEN);
    }

    @Test
    void anotherTeamsRunIs404ForEveryOperationAndUnchanged() {
        Fixtures.Team a = fixtures.newTeam("a");
        Fixtures.Team b = fixtures.newTeam("b");
        long run = submit(a);
        String uri = "/api/v1/runs/" + run;

        assertThat(mvc.get().uri(uri).header(HttpHeaders.AUTHORIZATION, b.bearer())).hasStatus(HttpStatus.NOT_FOUND);
        assertThat(mvc.post().uri(uri + "/cancel").header(HttpHeaders.AUTHORIZATION, b.bearer())).hasStatus(HttpStatus.NOT_FOUND);
        assertThat(mvc.post().uri(uri + "/clone").header(HttpHeaders.AUTHORIZATION, b.bearer())).hasStatus(HttpStatus.NOT_FOUND);
        assertThat(mvc.patch().uri(uri).header(HttpHeaders.AUTHORIZATION, b.bearer()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\": \"mine now\"}")).hasStatus(HttpStatus.NOT_FOUND);
        assertThat(mvc.delete().uri(uri).header(HttpHeaders.AUTHORIZATION, b.bearer())).hasStatus(HttpStatus.NOT_FOUND);
        // the same 404 as for an id that does not exist, so ids of other teams do not leak
        assertThat(mvc.get().uri("/api/v1/runs/987654321").header(HttpHeaders.AUTHORIZATION, b.bearer())).hasStatus(HttpStatus.NOT_FOUND);
        assertThat(mvc.get().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, b.bearer()))
                .hasStatusOk().bodyJson().extractingPath("$.totalItems").isEqualTo(0);

        assertThat(mvc.get().uri(uri).header(HttpHeaders.AUTHORIZATION, a.bearer())).hasStatusOk()
                .bodyJson().extractingPath("$.status").isEqualTo("QUEUED");
    }

    @Test
    void runAccessLetsOnlyTheOwningTeamSeeARun() {
        Fixtures.Team a = fixtures.newTeam("a");
        Fixtures.Team b = fixtures.newTeam("b");
        long run = submit(a);

        runAccess.requireVisible(fixtures.caller(a.bearer()), run);
        assertThatThrownBy(() -> runAccess.requireVisible(fixtures.caller(b.bearer()), run))
                .isInstanceOf(RunNotFoundException.class);
        assertThatThrownBy(() -> runAccess.requireVisible(fixtures.caller(fixtures.workerBearer()), run))
                .isInstanceOf(RunNotFoundException.class);
    }

    @Test
    void aUserCannotSubmitIntoAnotherTeamsProject() {
        Fixtures.Team a = fixtures.newTeam("a");
        Fixtures.Team b = fixtures.newTeam("b");
        assertThat(mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, b.bearer())
                .contentType(MediaType.APPLICATION_JSON).content(a.spec("swan")))
                .hasStatus(HttpStatus.BAD_REQUEST).bodyJson().extractingPath("$.errors[0].field").isEqualTo("project");
    }

    @Test
    void projectsAndTokensCanBeCreatedAndNewTokensWork() {
        Fixtures.Team team = fixtures.newTeam("p");
        assertThat(mvc.post().uri("/api/v1/projects").header(HttpHeaders.AUTHORIZATION, team.bearer())
                .contentType(MediaType.APPLICATION_JSON).content("{\"name\": \"ablation\"}"))
                .hasStatus(HttpStatus.CREATED).bodyJson().extractingPath("$.team").isEqualTo(team.name());
        assertThat(mvc.post().uri("/api/v1/projects").header(HttpHeaders.AUTHORIZATION, team.bearer())
                .contentType(MediaType.APPLICATION_JSON).content("{\"name\": \"ablation\"}")).hasStatus(HttpStatus.CONFLICT);
        assertThat(mvc.get().uri("/api/v1/projects").header(HttpHeaders.AUTHORIZATION, team.bearer()))
                .hasStatusOk().bodyJson().extractingPath("$[*].name").asArray().containsExactlyInAnyOrder("ablation", team.name());

        var issued = mvc.post().uri("/api/v1/tokens").header(HttpHeaders.AUTHORIZATION, team.bearer())
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\": \"gpu box\", \"kind\": \"WORKER\", \"team\": \"" + team.name() + "\"}").exchange();
        assertThat(issued).hasStatus(HttpStatus.CREATED);
        String token = com.jayway.jsonpath.JsonPath.read(issued.getResponse().getContentAsByteArray().length == 0 ? "{}"
                : new String(issued.getResponse().getContentAsByteArray(), java.nio.charset.StandardCharsets.UTF_8), "$.token");
        assertThat(mvc.post().uri("/api/v1/worker/claim").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).content("{\"workerName\": \"w\", \"deviceKind\": \"gpu\", "
                        + "\"deviceMemoryBytes\": 1, \"waitSeconds\": 0}")).hasStatus(HttpStatus.NO_CONTENT);
        assertThat(mvc.get().uri("/api/v1/projects").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                .hasStatus(HttpStatus.FORBIDDEN);
    }
}
