package dev.normlab.backend.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.api.worker.Assignment;
import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.support.Submitter;
import dev.normlab.backend.support.WorkerClient;
import dev.normlab.backend.team.Caller;
import dev.normlab.backend.team.TeamService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

/** A team brings its own GPUs: a team's worker token takes only that team's runs and touches no other run. */
@SpringBootTest
@AutoConfigureMockMvc
class TeamWorkerTest {

    @Autowired
    QueueService queue;
    @Autowired
    TeamService teams;
    @Autowired
    Fixtures fixtures;
    @Autowired
    Submitter submitter;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MockMvcTester mvc;

    @BeforeEach
    void emptyQueue() {
        fixtures.deleteAllRuns();
    }

    private String teamWorkerBearer(Fixtures.Team team) {
        return "Bearer " + teams.issue(fixtures.caller(team.bearer()), Caller.Kind.WORKER, team.name(), "gpus").secret().value();
    }

    @Test
    void eightConcurrentClaimersWithATeamsTokenTakeExactlyThatTeamsRuns() throws Exception {
        Fixtures.Team a = fixtures.newTeam("own-gpus");
        Fixtures.Team b = fixtures.newTeam("no-gpus");
        // B's runs are older: a platform worker would take them first
        long[] ofB = submitter.submit(b, 60);
        long[] ofA = submitter.submit(a, 60);
        Caller workerOfA = fixtures.caller(teamWorkerBearer(a));

        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Worker worker = Worker.of(workerOfA, "gpu" + t);
            results.add(pool.submit(() -> {
                start.await();
                List<Long> mine = new ArrayList<>();
                for (Optional<Assignment> run; (run = queue.claimOnce(worker, "gpu", 1L << 40)).isPresent(); ) {
                    mine.add(run.get().runId());
                }
                return mine;
            }));
        }
        start.countDown();
        List<Long> claimed = new ArrayList<>();
        for (Future<List<Long>> result : results) {
            claimed.addAll(result.get());
        }
        pool.shutdown();

        assertThat(claimed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(Arrays.stream(ofA).boxed().toList());
        assertThat(jdbc.sql("select count(*) from runs where status = 'QUEUED' and id = any(?)")
                .param(Arrays.stream(ofB).boxed().toArray(Long[]::new)).query(Long.class).single()).isEqualTo(60);

        // the platform worker still serves B
        assertThat(queue.claimOnce(Worker.of(fixtures.workerCaller(), "shared"), "gpu", 1L << 40)).map(Assignment::runId)
                .hasValue(ofB[0]);
    }

    @Test
    void aTeamsWorkerTokenCannotTouchAnotherTeamsRunAndGets404() {
        Fixtures.Team a = fixtures.newTeam("wa");
        Fixtures.Team b = fixtures.newTeam("wb");
        String workerOfA = teamWorkerBearer(a);
        long runOfB = fixtures.submit(b);
        WorkerClient platform = new WorkerClient(mvc, fixtures.workerBearer());
        assertThat(platform.claimRun()).isEqualTo(runOfB);

        WorkerClient intruder = new WorkerClient(mvc, workerOfA);
        assertThat(intruder.heartbeat(runOfB, 1)).hasStatus(HttpStatus.NOT_FOUND);
        assertThat(intruder.checkpoint(runOfB, 1, 5, "/tmp/x")).hasStatus(HttpStatus.NOT_FOUND);
        assertThat(intruder.finish(runOfB, 1, "\"status\": \"SUCCEEDED\", \"summary\": {\"finalLoss\": 0.1}"))
                .hasStatus(HttpStatus.NOT_FOUND);
        assertThat(intruder.release(runOfB, 1)).hasStatus(HttpStatus.NOT_FOUND);
        assertThat(mvc.post().uri("/api/v1/worker/runs/" + runOfB + "/metrics").header(HttpHeaders.AUTHORIZATION, workerOfA)
                .contentType(MediaType.APPLICATION_JSON).content("{\"attempt\": 1, \"points\": [{\"key\": \"train_loss\", "
                        + "\"step\": 1, \"value\": 0.5}]}")).hasStatus(HttpStatus.NOT_FOUND);

        // another platform token (a different worker) may not finish the run it did not claim either: 409
        String otherPlatform = "Bearer " + teams.issueToken(Caller.Kind.WORKER, null, null, "other").value();
        assertThat(new WorkerClient(mvc, otherPlatform).finish(runOfB, 1, "\"status\": \"SUCCEEDED\""))
                .hasStatus(HttpStatus.CONFLICT);

        assertThat(jdbc.sql("select status from runs where id = ?").param(runOfB).query(String.class).single()).isEqualTo("RUNNING");
        assertThat(jdbc.sql("select count(*) from metric_series where run_id = ?").param(runOfB).query(Long.class).single()).isZero();
        assertThat(platform.heartbeat(runOfB, 1)).hasStatusOk();
    }

    @Test
    void onlyOwnersMintTheirTeamsWorkerTokensAndOnlyAdminsPlatformOnes() {
        Fixtures.Team team = fixtures.newTeam("mint");
        String body = "{\"name\": \"gpu\", \"kind\": \"WORKER\"}";
        assertThat(mvc.post().uri("/api/v1/tokens").header(HttpHeaders.AUTHORIZATION, team.bearer())
                .contentType(MediaType.APPLICATION_JSON).content(body)).hasStatus(HttpStatus.FORBIDDEN);
        assertThat(mvc.post().uri("/api/v1/tokens").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content(body)).hasStatus(HttpStatus.CREATED)
                .bodyJson().extractingPath("$.team").isNull();
        assertThat(mvc.post().uri("/api/v1/tokens").header(HttpHeaders.AUTHORIZATION, team.bearer())
                .contentType(MediaType.APPLICATION_JSON).content("{\"name\": \"gpu\", \"kind\": \"WORKER\", \"team\": \"" + team.name() + "\"}"))
                .hasStatus(HttpStatus.CREATED).bodyJson().extractingPath("$.team").isEqualTo(team.name());
        // the owner lists the team's worker tokens, never their secrets
        assertThat(mvc.get().uri("/api/v1/teams/" + team.id() + "/tokens").header(HttpHeaders.AUTHORIZATION, team.bearer()))
                .hasStatusOk().bodyJson().extractingPath("$[0]").asMap().containsEntry("name", "gpu").doesNotContainKey("token");
    }
}
