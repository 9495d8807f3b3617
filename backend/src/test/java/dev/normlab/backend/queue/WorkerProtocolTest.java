package dev.normlab.backend.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.support.WorkerClient;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
import org.springframework.test.web.servlet.assertj.MvcTestResult;

@SpringBootTest
@AutoConfigureMockMvc
class WorkerProtocolTest {

    private static final String SUMMARY = """
            "status": "SUCCEEDED", "summary": {"finalLoss": 2.5, "finalEvalLoss": 2.7, "perplexity": 14.88,
             "tokensPerSecond": 1234.5, "steps": 10, "tokens": 20480, "seconds": 16.6,
             "memory": {"optimizerStateBytes": 4096, "optimizerStateBytesByGroup": {"hidden": 0, "embedding": 4096},
                        "peakResidentBytes": 500000000}}""";

    @Autowired
    MockMvcTester mvc;
    @Autowired
    Fixtures fixtures;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    QueueWakeup wakeup;
    @Autowired
    LeaseFence fence;

    WorkerClient worker;

    @BeforeEach
    void emptyQueue() {
        fixtures.deleteAllRuns();
        worker = new WorkerClient(mvc, fixtures.workerBearer());
    }

    private long submit(String body) {
        MvcTestResult result = mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content(body).exchange();
        assertThat(result).hasStatus(HttpStatus.CREATED);
        return Fixtures.idOf(result);
    }

    private MvcTestResult run(long id) {
        return mvc.get().uri("/api/v1/runs/" + id).header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()).exchange();
    }

    private Map<String, Object> row(long id) {
        return jdbc.sql("select status, attempt, lease_until, checkpoint_step, error, summary::text as summary, final_loss, "
                + "not_before, infra_failures, code_failures from runs where id = ?").param(id).query().singleRow();
    }

    @Test
    void aRunGoesFromSubmitThroughClaimHeartbeatsAndCheckpointToSucceededWithItsSummary() {
        long id = submit(Fixtures.SPEC);

        MvcTestResult claim = worker.claim("cpu", 1L << 34, 0);
        assertThat(claim).hasStatusOk().bodyJson().extractingPath("$.runId").asNumber().satisfies(n -> assertThat(n.longValue()).isEqualTo(id));
        assertThat(claim).bodyJson().extractingPath("$.attempt").isEqualTo(1);
        assertThat(claim).bodyJson().extractingPath("$.spec.optimizer.name").isEqualTo("sinkgd");
        assertThat(claim).bodyJson().extractingPath("$.spec.steps").isEqualTo(10);
        assertThat(claim).bodyJson().extractingPath("$.resumeFrom").isNull();
        assertThat(claim).bodyJson().extractingPath("$.leaseSeconds").isEqualTo(60);
        assertThat(run(id)).bodyJson().extractingPath("$.status").isEqualTo("RUNNING");
        assertThat(run(id)).bodyJson().extractingPath("$.workerName").isEqualTo("test-worker");

        Timestamp leaseBefore = (Timestamp) row(id).get("lease_until");
        assertThat(worker.heartbeat(id, 1)).hasStatusOk().bodyJson().extractingPath("$.cancelRequested").isEqualTo(false);
        assertThat(((Timestamp) row(id).get("lease_until")).toInstant()).isAfterOrEqualTo(leaseBefore.toInstant());
        assertThat(worker.checkpoint(id, 1, 5, "/ckpt/run/step-5")).hasStatus(HttpStatus.NO_CONTENT);
        assertThat(worker.heartbeat(id, 1)).hasStatusOk();

        assertThat(worker.finish(id, 1, SUMMARY)).hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("SUCCEEDED");

        MvcTestResult done = run(id);
        assertThat(done).bodyJson().extractingPath("$.status").isEqualTo("SUCCEEDED");
        assertThat(done).bodyJson().extractingPath("$.finalLoss").isEqualTo(2.5);
        assertThat(done).bodyJson().extractingPath("$.summary.tokensPerSecond").isEqualTo(1234.5);
        assertThat(done).bodyJson().extractingPath("$.summary.memory.optimizerStateBytesByGroup.embedding").isEqualTo(4096);
        assertThat(done).bodyJson().extractingPath("$.checkpoint.step").isEqualTo(5);
        assertThat(done).bodyJson().extractingPath("$.finishedAt").isNotNull();
        assertThat(worker.claim("cpu", 1L << 34, 0)).hasStatus(HttpStatus.NO_CONTENT);
    }

    @Test
    void aStaleAttemptsHeartbeatCheckpointAndFinishAre409AndChangeNothing() {
        long id = submit(Fixtures.SPEC);
        worker.claimRun();
        worker.checkpoint(id, 1, 3, "/ckpt/3");
        assertThat(worker.release(id, 1)).hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("QUEUED");
        MvcTestResult second = worker.claim("cpu", 1L << 34, 0);
        assertThat(second).bodyJson().extractingPath("$.attempt").isEqualTo(2);
        Map<String, Object> before = row(id);

        assertThat(worker.heartbeat(id, 1)).hasStatus(HttpStatus.CONFLICT)
                .headers().hasValue(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(worker.checkpoint(id, 1, 9, "/ckpt/stale")).hasStatus(HttpStatus.CONFLICT);
        assertThat(worker.finish(id, 1, SUMMARY)).hasStatus(HttpStatus.CONFLICT);
        assertThat(worker.finish(id, 1, "\"status\": \"FAILED\", \"error\": \"boom\"")).hasStatus(HttpStatus.CONFLICT);
        assertThat(worker.release(id, 1)).hasStatus(HttpStatus.CONFLICT);

        assertThat(row(id)).isEqualTo(before);
        assertThat(worker.heartbeat(id, 2)).hasStatusOk();
    }

    @Test
    void theLeaseFenceOtherFeaturesUseAcceptsOnlyTheCurrentRunningAttempt() {
        long id = submit(Fixtures.SPEC);
        assertThatThrownBy(() -> fence.requireLease(fixtures.workerCaller(), id, 0)).isInstanceOf(LeaseLostException.class);
        worker.claimRun();
        fence.requireLease(fixtures.workerCaller(), id, 1);
        worker.release(id, 1);
        worker.claimRun();
        assertThatThrownBy(() -> fence.requireLease(fixtures.workerCaller(), id, 1)).isInstanceOf(LeaseLostException.class);
        fence.requireLease(fixtures.workerCaller(), id, 2);
        worker.finish(id, 2, "\"status\": \"SUCCEEDED\"");
        assertThatThrownBy(() -> fence.requireLease(fixtures.workerCaller(), id, 2)).isInstanceOf(LeaseLostException.class);
    }

    @Test
    void aReclaimedRunResumesFromItsLatestCheckpointAndAReleaseSpendsNoRetry() {
        long id = submit(Fixtures.SPEC);
        worker.claimRun();
        worker.checkpoint(id, 1, 40, "/ckpt/40");
        worker.checkpoint(id, 1, 20, "/ckpt/20-late");
        worker.release(id, 1);

        MvcTestResult claim = worker.claim("cpu", 1L << 34, 0);
        assertThat(claim).bodyJson().extractingPath("$.resumeFrom.step").isEqualTo(40);
        assertThat(claim).bodyJson().extractingPath("$.resumeFrom.location").isEqualTo("/ckpt/40");
        assertThat(row(id)).containsEntry("infra_failures", 0).containsEntry("code_failures", 0);
    }

    @Test
    void cancellingARunningRunReachesTheWorkerThroughItsHeartbeat() {
        long id = submit(Fixtures.SPEC);
        worker.claimRun();

        assertThat(mvc.post().uri("/api/v1/runs/" + id + "/cancel").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()))
                .hasStatusOk().bodyJson().extractingPath("$.cancelRequested").isEqualTo(true);
        assertThat(run(id)).bodyJson().extractingPath("$.status").isEqualTo("RUNNING");
        assertThat(worker.heartbeat(id, 1)).hasStatusOk().bodyJson().extractingPath("$.cancelRequested").isEqualTo(true);
        assertThat(worker.finish(id, 1, "\"status\": \"CANCELLED\"")).hasStatusOk();
        assertThat(run(id)).bodyJson().extractingPath("$.status").isEqualTo("CANCELLED");
    }

    @Test
    void outOfMemoryAndInvalidSpecFailuresAreNeverRetried() {
        for (String kind : new String[] {"OOM", "INVALID_SPEC"}) {
            long id = submit(Fixtures.SPEC);
            worker.claimRun();
            assertThat(worker.finish(id, 1, "\"status\": \"FAILED\", \"failure\": \"" + kind + "\", \"error\": \"no memory\""))
                    .hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("FAILED");
            assertThat((String) row(id).get("error")).startsWith(kind + ": ");
        }
    }

    @Test
    void aWorkerFailureSpendsNoCodeRetryButTheInfrastructureBudgetLikeALostLease() {
        long id = submit(Fixtures.SPEC);
        worker.claimRun();
        assertThat(worker.finish(id, 1, "\"status\": \"FAILED\", \"failure\": \"WORKER\", "
                + "\"error\": \"the worker's disk is full: No space left on device\""))
                .hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("QUEUED");
        Map<String, Object> requeued = row(id);
        assertThat(requeued).containsEntry("code_failures", 0).containsEntry("infra_failures", 1);
        assertThat((String) requeued.get("error")).startsWith("WORKER: the worker's disk is full");
        assertThat(((Timestamp) requeued.get("not_before")).toInstant()).isAfter(Instant.now());
    }

    @Test
    void aCodeFailureIsRetriedOnceAfterABackoffThenFails() {
        long id = submit(Fixtures.SPEC);
        worker.claimRun();
        assertThat(worker.finish(id, 1, "\"status\": \"FAILED\", \"error\": \"NaN loss\""))
                .hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("QUEUED");
        Map<String, Object> retried = row(id);
        assertThat(retried).containsEntry("code_failures", 1);
        assertThat(((Timestamp) retried.get("not_before")).toInstant()).isAfter(Instant.now().plusSeconds(5));
        // backing off: not claimable yet
        assertThat(worker.claim("cpu", 1L << 34, 0)).hasStatus(HttpStatus.NO_CONTENT);

        jdbc.sql("update runs set not_before = now() - interval '1 second' where id = ?").param(id).update();
        assertThat(worker.claim("cpu", 1L << 34, 0)).bodyJson().extractingPath("$.attempt").isEqualTo(2);
        assertThat(worker.finish(id, 2, "\"status\": \"FAILED\", \"failure\": \"CODE\", \"error\": \"NaN loss again\""))
                .hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("FAILED");
        assertThat(row(id)).containsEntry("code_failures", 2).containsEntry("error", "CODE: NaN loss again");
    }

    @Test
    void aClaimMayCarryTheWorkersEngineSelfCheckWhichIsValidated() {
        String engine = "{\"djlVersion\": \"0.35.1\", \"engine\": \"PyTorch\", \"libtorchVersion\": \"2.7.1\", "
                + "\"libtorchFlavor\": \"cu128\", \"libtorchPath\": \"/root/.djl.ai/pytorch/2.7.1-cu128-linux-x86_64\", "
                + "\"cudaAvailable\": true, \"gpuCount\": 1, \"deviceKind\": \"%s\", \"deviceName\": \"NVIDIA L4\", "
                + "\"deviceMemoryBytes\": 24000000000, \"cudaRuntimeVersion\": \"12.8\", \"computeCapability\": \"8.9\", "
                + "\"bf16Supported\": true, \"roundTripMillis\": 812.5, \"matmulGflops\": 9000.0}";
        String claim = "{\"workerName\": \"gpu-1\", \"deviceKind\": \"gpu\", \"deviceMemoryBytes\": 24000000000, "
                + "\"waitSeconds\": 0, \"engine\": " + engine + "}";
        assertThat(worker.post("/api/v1/worker/claim", claim.formatted("gpu"))).hasStatus(HttpStatus.NO_CONTENT);
        // the workers page shows what the worker reported
        assertThat(mvc.get().uri("/api/v1/workers").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())).hasStatusOk()
                .bodyJson().extractingPath("$[?(@.name == 'gpu-1')].engine.deviceName").asArray().containsExactly("NVIDIA L4");
        assertThat(worker.post("/api/v1/worker/claim", claim.formatted("tpu"))).hasStatus(HttpStatus.BAD_REQUEST)
                .bodyJson().extractingPath("$.errors[0].field").isEqualTo("engine.deviceKind");
    }

    @Test
    void claimsRespectDeviceKindAndTheAnalyticMemoryNeed() {
        long gpuRun = submit("{\"project\": \"default\", \"optimizer\": {\"name\": \"adamw\"}, \"device\": \"gpu\", "
                + "\"model\": {\"preset\": \"llama-1b\"}, \"tokenizer\": \"gpt2\", \"precision\": \"bf16\"}");
        long need = jdbc.sql("select required_memory_bytes from runs where id = ?").param(gpuRun).query(Long.class).single();
        assertThat(need).isGreaterThan(1L << 30);

        assertThat(worker.claim("cpu", 1L << 40, 0)).hasStatus(HttpStatus.NO_CONTENT);
        assertThat(worker.claim("gpu", need - 1, 0)).hasStatus(HttpStatus.NO_CONTENT);
        assertThat(worker.claim("gpu", need, 0)).hasStatusOk().bodyJson().extractingPath("$.spec.model.preset").isEqualTo("llama-1b");
    }

    @Test
    void aLongPollingClaimIsWokenByASubmitThroughPostgresNotify() throws Exception {
        long notificationsBefore = wakeup.generation();
        CompletableFuture<MvcTestResult> waiting = CompletableFuture.supplyAsync(() -> worker.claim("cpu", 1L << 34, 20));
        Thread.sleep(300);
        assertThat(waiting).isNotDone();

        long id = submit(Fixtures.SPEC);

        MvcTestResult claim = waiting.get(15, TimeUnit.SECONDS);
        assertThat(claim).hasStatusOk();
        assertThat(WorkerClient.runIdOf(claim)).isEqualTo(id);
        assertThat(wakeup.generation()).isGreaterThan(notificationsBefore);
    }

    @Test
    void aLongPollWithNothingEligibleWaitsItsTimeThenAnswers204() {
        submit("{\"project\": \"default\", \"optimizer\": {\"name\": \"swan\"}, \"device\": \"gpu\"}");
        long start = System.nanoTime();
        assertThat(worker.claim("cpu", 1L << 34, 1)).hasStatus(HttpStatus.NO_CONTENT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void anInvalidClaimNamesItsFields() {
        assertThat(worker.claim("tpu", -1, 0)).hasStatus(HttpStatus.BAD_REQUEST)
                .bodyJson().extractingPath("$.errors[*].field").asArray().containsExactlyInAnyOrder("deviceKind", "deviceMemoryBytes");
        assertThat(worker.finish(1, 1, "\"status\": \"DONE\"")).hasStatus(HttpStatus.BAD_REQUEST)
                .bodyJson().extractingPath("$.errors[0].field").isEqualTo("status");
    }
}
