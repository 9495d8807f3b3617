package dev.normlab.backend.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.support.WorkerClient;
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

/** Runs no worker can take are accepted but say why they wait; activations count in the memory they need. */
@SpringBootTest
@AutoConfigureMockMvc
class WaitingReasonTest {

    @Autowired
    MockMvcTester mvc;
    @Autowired
    Fixtures fixtures;
    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void noRunsNoWorkers() {
        fixtures.deleteAllRuns();
        jdbc.sql("delete from workers").update();
    }

    private long submit(String spec) {
        var result = mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content(spec).exchange();
        assertThat(result).hasStatus(HttpStatus.CREATED);
        return Fixtures.idOf(result);
    }

    private org.springframework.test.json.JsonPathValueAssert field(long run, String path) {
        return assertThat(mvc.get().uri("/api/v1/runs/" + run).header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()))
                .bodyJson().extractingPath(path);
    }

    @Test
    void aHugeBatchCountsItsActivationsAndWaitsWithAReasonInsteadOfBlowingUpAWorker() {
        // the hardening report's run: estimated at 10.7 MB without activations, it took a CPU worker past 14 GB
        long huge = submit("{\"project\": \"default\", \"optimizer\": {\"name\": \"sgd\"}, \"steps\": 2, "
                + "\"seqLen\": 1024, \"batchSize\": 4096}");
        long need = jdbc.sql("select required_memory_bytes from runs where id = ?").param(huge).query(Long.class).single();
        assertThat(need).isGreaterThan(100_000_000_000L);
        field(huge, "$.memory.activationBytes").asNumber().satisfies(a -> assertThat(a.longValue()).isGreaterThan(100_000_000_000L));
        field(huge, "$.memory.requiredBytes").asNumber().satisfies(r -> assertThat(r.longValue()).isEqualTo(need));

        WorkerClient worker = new WorkerClient(mvc, fixtures.workerBearer());
        assertThat(worker.claim("cpu", 16_000_000_000L, 0)).hasStatus(HttpStatus.NO_CONTENT);
        field(huge, "$.waitingReason").asString()
                .startsWith("no worker seen in the last hour has").contains("the largest has 16.0 GB");
        field(huge, "$.status").isEqualTo("QUEUED");
    }

    @Test
    void aGpuRunWithOnlyCpuWorkersAroundSaysSoAndAnOrdinaryRunHasNoReason() {
        long gpu = submit("{\"project\": \"default\", \"optimizer\": {\"name\": \"sinkgd\"}, \"device\": \"gpu\"}");
        long small = submit("{\"project\": \"default\", \"optimizer\": {\"name\": \"sinkgd\"}, \"device\": \"cpu\"}");
        field(gpu, "$.waitingReason").isEqualTo("no worker that takes this team's runs was seen in the last hour");

        WorkerClient worker = new WorkerClient(mvc, fixtures.workerBearer());
        // the CPU worker takes the small run; the GPU run stays
        assertThat(WorkerClient.runIdOf(worker.claim("cpu", 16_000_000_000L, 0))).isEqualTo(small);
        field(gpu, "$.waitingReason").isEqualTo("no GPU worker was seen in the last hour");
        field(small, "$.waitingReason").isNull();
        assertThat(mvc.get().uri("/api/v1/runs?status=QUEUED").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()))
                .bodyJson().extractingPath("$.items[0].waitingReason").isEqualTo("no GPU worker was seen in the last hour");
    }
}
