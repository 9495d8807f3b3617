package dev.normlab.backend.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.support.WorkerClient;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

/**
 * A worker that is gone must not keep a run: a long poll whose connection closed gets none, and a claim nobody
 * confirms with a heartbeat goes back to the queue within the confirm window, without spending a retry.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "normlab.queue.claim-confirm=1s", "normlab.queue.reaper-interval=200ms"})
@AutoConfigureMockMvc
class GhostClaimTest {

    @LocalServerPort
    int port;
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
        return jdbc.sql("select status, attempt, infra_failures, claim_confirmed from runs where id = ?").param(id).query().singleRow();
    }

    @Test
    void aClaimNoHeartbeatConfirmsGoesBackWithoutSpendingARetry() throws Exception {
        long id = fixtures.submit(fixtures.newTeam("ghost"));
        WorkerClient worker = new WorkerClient(mvc, fixtures.workerBearer());
        assertThat(worker.claimRun()).isEqualTo(id);
        assertThat(row(id)).containsEntry("status", "RUNNING").containsEntry("claim_confirmed", false);

        awaitRow(id, "QUEUED", Duration.ofSeconds(10));
        assertThat(row(id)).containsEntry("infra_failures", 0);
        assertThat(jdbc.sql("select event from run_events where run_id = ? order by id").param(id).query(String.class).list())
                .containsExactly("submitted", "claimed", "claim-unconfirmed");
        // the ghost's late call changes nothing; a live worker takes the run and keeps it
        assertThat(worker.heartbeat(id, 1)).hasStatus(org.springframework.http.HttpStatus.CONFLICT);
        assertThat(worker.claimRun()).isEqualTo(id);
        assertThat(worker.heartbeat(id, 2)).hasStatusOk();
        Thread.sleep(1500);
        assertThat(row(id)).containsEntry("status", "RUNNING").containsEntry("claim_confirmed", true);
    }

    @Test
    void aLongPollWhoseConnectionClosedCostsTheNextRunOnlyTheConfirmWindow() throws Exception {
        String body = "{\"workerName\": \"gone\", \"deviceKind\": \"cpu\", \"deviceMemoryBytes\": 1000000000000, \"waitSeconds\": 20}";
        try (Socket socket = new Socket("localhost", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/worker/claim HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + fixtures.workerBearer()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(500); // the claim is parked, waiting
        } // the worker is killed: its connection closes
        Thread.sleep(500);
        long start = System.nanoTime();
        long id = fixtures.submit(fixtures.newTeam("after-ghost"));
        // Tomcat does not notice a closed connection while an async request waits (no I/O), so the gone request
        // may be answered with the run: unconfirmed, it comes back within the confirm window, no retry spent
        Thread.sleep(300);
        awaitRow(id, "QUEUED", Duration.ofSeconds(5));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        assertThat(row(id)).containsEntry("infra_failures", 0);
        WorkerClient live = new WorkerClient(mvc, fixtures.workerBearer());
        assertThat(live.claimRun()).isEqualTo(id);
        assertThat(live.heartbeat(id, (int) row(id).get("attempt"))).hasStatusOk();
    }

    @Test
    void aWorkerThatWithdrawsItsWaitingClaimBeforeClosingIsHandedNothing() throws Exception {
        String body = "{\"workerName\": \"stopping\", \"deviceKind\": \"cpu\", \"deviceMemoryBytes\": 1000000000000, \"waitSeconds\": 20}";
        WorkerClient sameToken = new WorkerClient(mvc, fixtures.workerBearer());
        try (Socket socket = new Socket("localhost", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/worker/claim HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + fixtures.workerBearer()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(500); // parked
            // the agent's shutdown: withdraw first, then close
            assertThat(sameToken.post("/api/v1/worker/claim/withdraw", "{\"workerName\": \"stopping\"}"))
                    .hasStatus(org.springframework.http.HttpStatus.NO_CONTENT);
            socket.setSoTimeout(5000);
            String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.UTF_8);
            assertThat(answer).isEqualTo("HTTP/1.1 204"); // answered at once with nothing
        }
        long id = fixtures.submit(fixtures.newTeam("after-withdraw"));
        Thread.sleep(1000);
        assertThat(row(id)).containsEntry("status", "QUEUED").containsEntry("attempt", 0);
        assertThat(jdbc.sql("select count(*) from run_events where run_id = ? and event = 'claimed'").param(id)
                .query(Long.class).single()).isZero();
    }

    private void awaitRow(long id, String status, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!status.equals(row(id).get("status")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(row(id)).containsEntry("status", status);
    }
}
