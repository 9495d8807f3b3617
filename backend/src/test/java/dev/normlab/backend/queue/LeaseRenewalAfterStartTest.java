package dev.normlab.backend.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.support.WorkerClient;
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

/**
 * A backend that was down longer than a lease (killed and restarted, found by bench/fault-suite.sh) must not count
 * that outage against the workers that kept training through it. The scheduled reaper waits an hour here; each test
 * makes its own {@link LeaseReaper}, i.e. a freshly started backend.
 */
@SpringBootTest(properties = "normlab.queue.reaper-interval=1h")
@AutoConfigureMockMvc
class LeaseRenewalAfterStartTest {

    @Autowired
    MockMvcTester mvc;
    @Autowired
    Fixtures fixtures;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    QueueService queue;

    @BeforeEach
    void emptyQueue() {
        fixtures.deleteAllRuns();
    }

    private Map<String, Object> row(long id) {
        return jdbc.sql("select status, attempt, infra_failures, lease_until > now() + interval '50 seconds' as renewed "
                + "from runs where id = ?").param(id).query().singleRow();
    }

    private void leaseRanOutMinutesAgo(long id) {
        jdbc.sql("update runs set lease_until = now() - interval '5 minutes' where id = ?").param(id).update();
    }

    @Test
    void theFirstPassAfterAStartRenewsLeasesThatRanOutWhileNoBackendAnsweredAndLaterPassesReapAsUsual() throws Exception {
        WorkerClient worker = new WorkerClient(mvc, fixtures.workerBearer());
        long id = Fixtures.idOf(mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content(Fixtures.SPEC).exchange());
        assertThat(worker.claimRun()).isEqualTo(id);
        assertThat(worker.heartbeat(id, 1)).hasStatusOk();
        leaseRanOutMinutesAgo(id); // the backend was down: the worker's heartbeats could not get through

        LeaseReaper startedBackend = new LeaseReaper(queue);
        startedBackend.reap();
        assertThat(row(id)).containsEntry("status", "RUNNING").containsEntry("attempt", 1)
                .containsEntry("infra_failures", 0).containsEntry("renewed", true);
        assertThat(worker.heartbeat(id, 1)).hasStatusOk(); // the worker carries on, no retry spent

        leaseRanOutMinutesAgo(id); // now the worker really goes silent, with the backend up
        startedBackend.reap();
        assertThat(row(id)).containsEntry("status", "QUEUED").containsEntry("infra_failures", 1);
        assertThat(worker.heartbeat(id, 1)).hasStatus(HttpStatus.CONFLICT);
    }

    @Test
    void anUnconfirmedClaimIsNotRenewedAndGoesBackWithoutSpendingARetry() throws Exception {
        WorkerClient worker = new WorkerClient(mvc, fixtures.workerBearer());
        long id = Fixtures.idOf(mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content(Fixtures.SPEC).exchange());
        assertThat(worker.claimRun()).isEqualTo(id); // never confirmed: the worker was gone
        leaseRanOutMinutesAgo(id);

        new LeaseReaper(queue).reap();
        assertThat(row(id)).containsEntry("status", "QUEUED").containsEntry("infra_failures", 0);
    }
}
