package dev.normlab.backend.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.support.WorkerClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

@SpringBootTest
@AutoConfigureMockMvc
class RunManagementTest {

    @Autowired
    MockMvcTester mvc;
    @Autowired
    Fixtures fixtures;
    @Autowired
    JdbcClient jdbc;

    private long submit(Fixtures.Team team, String body) {
        MvcTestResult result = mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, team.bearer())
                .contentType(MediaType.APPLICATION_JSON).content(body).exchange();
        assertThat(result).hasStatus(HttpStatus.CREATED);
        return Fixtures.idOf(result);
    }

    private MvcTestResult list(Fixtures.Team team, String query) {
        return mvc.get().uri("/api/v1/runs?" + query).header(HttpHeaders.AUTHORIZATION, team.bearer()).exchange();
    }

    @Test
    void theListFiltersByOptimizerTagNameStatusAndProjectAndPages() {
        Fixtures.Team team = fixtures.newTeam("list");
        String p = team.name();
        long sink = submit(team, "{\"project\": \"" + p + "\", \"name\": \"Sinkhorn baseline\", \"tags\": [\"ablation\"], \"optimizer\": {\"name\": \"sinkgd\"}}");
        long swan = submit(team, "{\"project\": \"" + p + "\", \"name\": \"swan whitening\", \"tags\": [\"ablation\", \"big\"], \"optimizer\": {\"name\": \"swan\"}}");
        long adam = submit(team, "{\"project\": \"" + p + "\", \"name\": \"adam reference\", \"optimizer\": {\"name\": \"adamw\"}}");
        mvc.post().uri("/api/v1/runs/" + adam + "/cancel").header(HttpHeaders.AUTHORIZATION, team.bearer()).exchange();

        assertThat(list(team, "")).hasStatusOk().bodyJson().extractingPath("$.items[*].id").asArray()
                .containsExactly((int) adam, (int) swan, (int) sink);
        assertThat(list(team, "optimizer=sinkgd,swan")).bodyJson().extractingPath("$.items[*].id").asArray()
                .containsExactly((int) swan, (int) sink);
        assertThat(list(team, "tag=big")).bodyJson().extractingPath("$.items[*].id").asArray().containsExactly((int) swan);
        assertThat(list(team, "name=SINKHORN")).bodyJson().extractingPath("$.items[*].id").asArray().containsExactly((int) sink);
        assertThat(list(team, "status=cancelled")).bodyJson().extractingPath("$.items[*].id").asArray().containsExactly((int) adam);
        assertThat(list(team, "project=" + p + "&sort=created&order=asc&size=2&page=1")).bodyJson()
                .extractingPath("$.items[*].id").asArray().containsExactly((int) adam);
        assertThat(list(team, "size=2")).bodyJson().extractingPath("$.totalPages").isEqualTo(2);
        assertThat(list(team, "project=elsewhere")).bodyJson().extractingPath("$.totalItems").isEqualTo(0);
        // every value that does not convert is named; range checks follow once the values convert
        assertThat(list(team, "status=DONE&optimizer=lion&sort=loss&size=0")).hasStatus(HttpStatus.BAD_REQUEST)
                .bodyJson().extractingPath("$.errors[*].field").asArray().containsExactlyInAnyOrder("status", "optimizer", "sort");
        assertThat(list(team, "size=0&page=-1")).hasStatus(HttpStatus.BAD_REQUEST)
                .bodyJson().extractingPath("$.errors[*].field").asArray().containsExactlyInAnyOrder("size", "page");
        assertThat(list(team, "size=501")).hasStatus(HttpStatus.BAD_REQUEST);
        assertThat(list(team, "status=DONE")).bodyJson().extractingPath("$.errors[0].message").asString()
                .contains("unknown status 'DONE'").contains("QUEUED");
        assertThat(list(team, "sort=queue&status=queued")).hasStatusOk();
    }

    @Test
    void theListSortsByFinalLossWithUnfinishedRunsLast() {
        Fixtures.Team team = fixtures.newTeam("sort");
        long[] ids = new long[3];
        for (int i = 0; i < 3; i++) {
            ids[i] = submit(team, team.spec("sinkgd"));
        }
        jdbc.sql("update runs set final_loss = 3.0, status = 'SUCCEEDED', finished_at = now() where id = ?").param(ids[0]).update();
        jdbc.sql("update runs set final_loss = 2.0, status = 'SUCCEEDED', finished_at = now() where id = ?").param(ids[2]).update();

        assertThat(list(team, "sort=finalLoss")).bodyJson().extractingPath("$.items[*].id").asArray()
                .containsExactly((int) ids[2], (int) ids[0], (int) ids[1]);
        assertThat(list(team, "sort=finalLoss&order=desc")).bodyJson().extractingPath("$.items[*].id").asArray()
                .containsExactly((int) ids[0], (int) ids[2], (int) ids[1]);
    }

    @Test
    void patchChangesOnlyNameTagsAndNotes() {
        Fixtures.Team team = fixtures.newTeam("patch");
        long id = submit(team, "{\"project\": \"" + team.name() + "\", \"name\": \"before\", \"tags\": [\"x\"], \"optimizer\": {\"name\": \"swan\"}}");

        MvcTestResult patched = mvc.patch().uri("/api/v1/runs/" + id).header(HttpHeaders.AUTHORIZATION, team.bearer())
                .contentType(MediaType.APPLICATION_JSON).content("{\"notes\": \"diverged at step 40\", \"tags\": [\"y\", \"z\"]}").exchange();
        assertThat(patched).hasStatusOk().bodyJson().extractingPath("$.name").isEqualTo("before");
        assertThat(patched).bodyJson().extractingPath("$.tags").asArray().containsExactly("y", "z");
        assertThat(patched).bodyJson().extractingPath("$.notes").isEqualTo("diverged at step 40");
        assertThat(mvc.patch().uri("/api/v1/runs/" + id).header(HttpHeaders.AUTHORIZATION, team.bearer())
                .contentType(MediaType.APPLICATION_JSON).content("{\"status\": \"SUCCEEDED\"}"))
                .hasStatus(HttpStatus.BAD_REQUEST).bodyJson().extractingPath("$.errors[0].field").isEqualTo("status");
        assertThat(mvc.patch().uri("/api/v1/runs/" + id).header(HttpHeaders.AUTHORIZATION, team.bearer())
                .contentType(MediaType.APPLICATION_JSON).content("{\"name\": \"  \"}"))
                .hasStatus(HttpStatus.BAD_REQUEST).bodyJson().extractingPath("$.errors[0].field").isEqualTo("name");
    }

    @Test
    void cloneResubmitsTheSpecWithOverridesMergedIn() {
        Fixtures.Team team = fixtures.newTeam("clone");
        long id = submit(team, "{\"project\": \"" + team.name() + "\", \"name\": \"lr sweep\", \"optimizer\": {\"name\": \"sinkgd\", \"lr\": 0.02}, \"seed\": 7}");

        MvcTestResult clone = mvc.post().uri("/api/v1/runs/" + id + "/clone").header(HttpHeaders.AUTHORIZATION, team.bearer())
                .contentType(MediaType.APPLICATION_JSON).content("{\"optimizer\": {\"lr\": 0.005}}").exchange();
        assertThat(clone).hasStatus(HttpStatus.CREATED).bodyJson().extractingPath("$.spec.optimizer.lr").isEqualTo(0.005);
        assertThat(clone).bodyJson().extractingPath("$.spec.optimizer.name").isEqualTo("sinkgd");
        assertThat(clone).bodyJson().extractingPath("$.spec.seed").isEqualTo(7);
        assertThat(clone).bodyJson().extractingPath("$.name").isEqualTo("lr sweep (clone)");
        assertThat(clone).bodyJson().extractingPath("$.status").isEqualTo("QUEUED");
        assertThat(Fixtures.idOf(clone)).isNotEqualTo(id);

        assertThat(mvc.post().uri("/api/v1/runs/" + id + "/clone").header(HttpHeaders.AUTHORIZATION, team.bearer())
                .contentType(MediaType.APPLICATION_JSON).content("{\"optimizer\": {\"lr\": -1}, \"seqLen\": 0}"))
                .hasStatus(HttpStatus.BAD_REQUEST).bodyJson().extractingPath("$.errors[*].field").asArray()
                .containsExactly("optimizer.lr", "seqLen");
        assertThat(mvc.post().uri("/api/v1/runs/" + id + "/clone").header(HttpHeaders.AUTHORIZATION, team.bearer())
                .contentType(MediaType.APPLICATION_JSON).content("{\"optimiser\": {}}"))
                .hasStatus(HttpStatus.BAD_REQUEST).bodyJson().extractingPath("$.errors[0].field").isEqualTo("optimiser");
    }

    @Test
    void aQueuedRunIsCancelledAtOnceAndAnEndedRunCannotBeCancelledAgain() {
        Fixtures.Team team = fixtures.newTeam("cancel");
        long id = submit(team, team.spec("swan"));
        assertThat(mvc.post().uri("/api/v1/runs/" + id + "/cancel").header(HttpHeaders.AUTHORIZATION, team.bearer()))
                .hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("CANCELLED");
        assertThat(mvc.post().uri("/api/v1/runs/" + id + "/cancel").header(HttpHeaders.AUTHORIZATION, team.bearer()))
                .hasStatus(HttpStatus.CONFLICT);
    }

    @Test
    void deletingARunningRunIs409AndAnyOtherIsDeleted() {
        fixtures.deleteAllRuns();
        long running = submit(adminTeam(), Fixtures.SPEC);
        new WorkerClient(mvc, fixtures.workerBearer()).claimRun();
        long queued = submit(adminTeam(), Fixtures.SPEC);

        assertThat(mvc.delete().uri("/api/v1/runs/" + running).header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()))
                .hasStatus(HttpStatus.CONFLICT);
        assertThat(mvc.delete().uri("/api/v1/runs/" + queued).header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()))
                .hasStatus(HttpStatus.NO_CONTENT);
        assertThat(mvc.get().uri("/api/v1/runs/" + queued).header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()))
                .hasStatus(HttpStatus.NOT_FOUND);
        assertThat(mvc.get().uri("/api/v1/runs/" + running).header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()))
                .hasStatusOk();
    }

    private Fixtures.Team adminTeam() {
        return new Fixtures.Team(0, "default", 0, fixtures.adminBearer());
    }
}
