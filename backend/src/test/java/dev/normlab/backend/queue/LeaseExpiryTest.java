package dev.normlab.backend.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.support.WorkerClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

/** Real expiry: a 1 s lease, the reaper every 200 ms, two infrastructure retries and no backoff. */
@SpringBootTest(properties = {
        "normlab.queue.lease=1s", "normlab.queue.reaper-interval=200ms",
        "normlab.queue.infra-retries=2", "normlab.queue.backoff-base=0s"})
@AutoConfigureMockMvc
class LeaseExpiryTest {

    @Autowired
    MockMvcTester mvc;
    @Autowired
    Fixtures fixtures;
    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void emptyQueue() {
        fixtures.deleteAllRuns();
    }

    private Map<String, Object> row(long id) {
        return jdbc.sql("select status, attempt, infra_failures, error from runs where id = ?").param(id).query().singleRow();
    }

    private void awaitStatus(long id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!status.equals(row(id).get("status")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(row(id)).containsEntry("status", status);
    }

    @Test
    void aSilentWorkersRunIsRequeuedWithTheReasonThenFailsPastTheInfrastructureBudget() throws Exception {
        WorkerClient worker = new WorkerClient(mvc, fixtures.workerBearer());
        long id = Fixtures.idOf(mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content(Fixtures.SPEC).exchange());

        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(WorkerClient.runIdOf(worker.claim("cpu", 1L << 40, 5))).isEqualTo(id);
            assertThat(row(id)).containsEntry("attempt", attempt).containsEntry("status", "RUNNING");
            assertThat(worker.heartbeat(id, attempt)).hasStatusOk(); // the claim is confirmed
            // the worker dies: no more heartbeats
            awaitStatus(id, attempt < 3 ? "QUEUED" : "FAILED");
            assertThat(row(id)).containsEntry("infra_failures", attempt);
            assertThat((String) row(id).get("error")).contains("lease of attempt " + attempt + " on worker test-worker expired");
            // the dead attempt's late calls change nothing
            assertThat(worker.heartbeat(id, attempt)).hasStatus(HttpStatus.CONFLICT);
        }
        assertThat((String) row(id).get("error")).contains("gave up after 3 lost attempts");
        assertThat(worker.claim("cpu", 1L << 40, 0)).hasStatus(HttpStatus.NO_CONTENT);
    }

    @Test
    void heartbeatsKeepARunAliveAcrossManyLeaseLengths() throws Exception {
        WorkerClient worker = new WorkerClient(mvc, fixtures.workerBearer());
        long id = Fixtures.idOf(mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content(Fixtures.SPEC).exchange());
        worker.claimRun();
        for (int i = 0; i < 10; i++) {
            Thread.sleep(300);
            assertThat(worker.heartbeat(id, 1)).hasStatusOk();
        }
        assertThat(row(id)).containsEntry("status", "RUNNING").containsEntry("infra_failures", 0);
    }

    @Test
    void aRunsHistoryShowsClaimLeaseLossRequeueResumeAndCancelWithTheirActors() throws Exception {
        WorkerClient worker = new WorkerClient(mvc, fixtures.workerBearer());
        long id = Fixtures.idOf(mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content(Fixtures.SPEC).exchange());
        assertThat(WorkerClient.runIdOf(worker.claim("cpu", 1L << 40, 5))).isEqualTo(id);
        assertThat(worker.heartbeat(id, 1)).hasStatusOk();
        assertThat(worker.checkpoint(id, 1, 5, "/ckpt/5")).hasStatus(HttpStatus.NO_CONTENT);
        awaitStatus(id, "QUEUED");                                                     // the worker went silent
        assertThat(WorkerClient.runIdOf(worker.claim("cpu", 1L << 40, 5))).isEqualTo(id);
        assertThat(worker.heartbeat(id, 2)).hasStatusOk();
        assertThat(mvc.post().uri("/api/v1/runs/" + id + "/cancel").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()))
                .hasStatusOk();
        assertThat(worker.finish(id, 2, "\"status\": \"CANCELLED\"")).hasStatusOk();

        var history = assertThat(mvc.get().uri("/api/v1/runs/" + id + "/history").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()))
                .hasStatusOk().bodyJson();
        history.extractingPath("$[*].event").asArray().containsExactly(
                "submitted", "claimed", "checkpointed", "lease-lost", "claimed", "cancel-requested", "finished");
        history.extractingPath("$[*].actor.kind").asArray().containsExactly(
                "USER", "WORKER", "WORKER", "SYSTEM", "WORKER", "USER", "WORKER");
        history.extractingPath("$[*].actor.name").asArray().containsExactly(
                "admin", "test-worker", "test-worker", "normlab", "test-worker", "admin", "test-worker");
        history.extractingPath("$[4].detail").asString().contains("attempt 2").contains("resuming from step 5");
        history.extractingPath("$[6].detail").asString().contains("CANCELLED");

        // deleting keeps an audit row that says who deleted what; the history itself is gone with the run
        assertThat(mvc.delete().uri("/api/v1/runs/" + id).header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()))
                .hasStatus(HttpStatus.NO_CONTENT);
        assertThat(mvc.get().uri("/api/v1/runs/" + id + "/history").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()))
                .hasStatus(HttpStatus.NOT_FOUND);
        assertThat(jdbc.sql("select actor_name from run_events where run_id = ? and event = 'deleted'").param(id)
                .query(String.class).single()).isEqualTo("admin");
    }
}
