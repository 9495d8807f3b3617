package dev.normlab.backend.metric;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.support.WorkerClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;
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

/** Ingest over HTTP against the real PostgreSQL: exactness, idempotency, fencing, resume, bad values, auth. */
@SpringBootTest
@AutoConfigureMockMvc
class MetricIngestTest {

    @Autowired
    MockMvcTester mvc;
    @Autowired
    Fixtures fixtures;
    @Autowired
    JdbcClient jdbc;

    WorkerClient worker;
    MetricApi metrics;

    @BeforeEach
    void emptyQueue() {
        fixtures.deleteAllRuns();
        worker = new WorkerClient(mvc, fixtures.workerBearer());
        metrics = new MetricApi(mvc, fixtures.workerBearer(), fixtures.adminBearer());
    }

    private long submitAndClaim() {
        MvcTestResult submitted = mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content(Fixtures.SPEC).exchange();
        assertThat(submitted).hasStatus(HttpStatus.CREATED);
        long id = Fixtures.idOf(submitted);
        assertThat(worker.claimRun()).isEqualTo(id);
        return id;
    }

    private long storedPoints(long run) {
        return jdbc.sql("select count(*) from metric_points p join metric_series s on s.id = p.series_id where s.run_id = ?")
                .param(run).query(Long.class).single();
    }

    private static Series noisy(String key, long from, long to, long every, long seed) {
        Random random = new Random(seed);
        Map<Long, Double> values = new TreeMap<>();
        for (long step = from; step <= to; step += every) {
            values.put(step, 3.0 * Math.exp(-step / 200.0) + 0.05 * random.nextGaussian());
        }
        return Series.of(key, values);
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void aRunsWholeLifecycleStoresExactlyThePointsItsWorkerSent() {
        long id = submitAndClaim();
        Series train = noisy("train_loss", 0, 599, 1, 1);
        Series eval = noisy("eval_loss", 0, 550, 50, 2);
        assertThat(worker.heartbeat(id, 1)).hasStatusOk();
        metrics.postOk(id, train.batch(1, range(0, 249)));
        metrics.postOk(id, eval.batch(1, eval.values().headMap(300L).keySet()));
        assertThat(worker.heartbeat(id, 1)).hasStatusOk();
        metrics.postOk(id, train.batch(1, range(250, 599)));
        metrics.postOk(id, eval.batch(1, eval.values().tailMap(300L).keySet()));
        assertThat(worker.finish(id, 1, "\"status\": \"SUCCEEDED\"")).hasStatusOk();

        MvcTestResult history = metrics.history(id, "keys=train_loss,eval_loss&maxPoints=1000");
        assertThat(history).hasStatusOk().bodyJson().extractingPath("$.series[*].sampled").asArray().containsOnly(false);
        assertThat(MetricApi.rawSteps(history, "train_loss")).isEqualTo(train.values());
        assertThat(MetricApi.rawSteps(history, "eval_loss")).isEqualTo(eval.values());
        assertThat(history).bodyJson().extractingPath("$.series[?(@.key == 'eval_loss')].pointsInRange").asArray().containsExactly(12);
        // the default: every key of the run
        assertThat(metrics.history(id, "")).bodyJson().extractingPath("$.series[*].key").asArray()
                .containsExactly("eval_loss", "train_loss");
        assertThat(storedPoints(id)).isEqualTo(600 + 12);
        assertThat(mvc.get().uri("/actuator/prometheus").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())).hasStatusOk().bodyText().contains("normlab_metric_points_ingested_total");
        BlockCheck.assertBlocksMatch(jdbc, id, train);
        BlockCheck.assertBlocksMatch(jdbc, id, eval);
    }

    @Test
    void historyOnTheTokensAndSecondsAxesCarriesThoseValuesAsX() {
        long id = submitAndClaim();
        Series train = noisy("train_loss", 0, 99, 1, 3);
        metrics.postOk(id, train.batch(1, range(0, 99)));

        MvcTestResult byTokens = metrics.history(id, "keys=train_loss&x=tokens&from=5120&to=10240");
        assertThat(byTokens).bodyJson().extractingPath("$.series[0].points[*].x").asArray()
                .containsExactlyElementsOf(LongStream.rangeClosed(10, 20).mapToObj(s -> (Object) (double) Series.tokens(s)).toList());
        MvcTestResult bySeconds = metrics.history(id, "keys=train_loss&x=seconds&from=2.6&to=3.0");
        assertThat(bySeconds).bodyJson().extractingPath("$.series[0].points[*].step").asArray().containsExactly(11, 12);
    }

    @Test
    void aReSentBatchStoresNothingTwiceAndAChangedValueReplacesTheOldOne() {
        long id = submitAndClaim();
        Series train = noisy("train_loss", 0, 99, 1, 4);
        String batch = train.batch(1, range(0, 99));
        metrics.postOk(id, batch);
        long xmin = jdbc.sql("select sum(xmin::text::bigint) from metric_points").query(Long.class).single();
        metrics.postOk(id, batch);
        metrics.postOk(id, batch);
        assertThat(storedPoints(id)).isEqualTo(100);
        // an unchanged point is not even rewritten
        assertThat(jdbc.sql("select sum(xmin::text::bigint) from metric_points").query(Long.class).single()).isEqualTo(xmin);

        metrics.postOk(id, "{\"attempt\": 1, \"points\": [" + Series.point("train_loss", 42, 9.5) + "]}");
        train.values().put(42L, 9.5);
        assertThat(storedPoints(id)).isEqualTo(100);
        assertThat(MetricApi.rawSteps(metrics.history(id, "keys=train_loss"), "train_loss")).isEqualTo(train.values());
        BlockCheck.assertBlocksMatch(jdbc, id, train);
    }

    @Test
    void stepsArrivingOutOfOrderAndOverlappingGiveOneSortedCurveWithExactBlocks() {
        long id = submitAndClaim();
        Series train = noisy("train_loss", 0, 4999, 1, 5);
        List<Long> steps = new ArrayList<>(train.values().keySet());
        Collections.shuffle(steps, new Random(6));
        for (int from = 0; from < steps.size(); from += 700) {
            // each batch overlaps the previous one by 50 points, and holds one step twice (the last one wins)
            List<Long> slice = new ArrayList<>(steps.subList(Math.max(0, from - 50), Math.min(steps.size(), from + 700)));
            slice.add(slice.get(0));
            metrics.postOk(id, train.batch(1, slice));
        }
        assertThat(storedPoints(id)).isEqualTo(5000);
        assertThat(MetricApi.rawSteps(metrics.history(id, "keys=train_loss&maxPoints=10000"), "train_loss")).isEqualTo(train.values());
        BlockCheck.assertBlocksMatch(jdbc, id, train);
    }

    @Autowired
    MetricIngestService ingest;

    @Test
    void concurrentBatchesOfOneRunTouchingTheSameBlocksLeaveExactBlocks() throws Exception {
        long id = submitAndClaim();
        Series train = noisy("train_loss", 0, 3999, 1, 13);
        List<Long> steps = new ArrayList<>(train.values().keySet());
        // four writers (a retry racing its original, a second sink) each send every step, shuffled differently
        List<java.util.concurrent.Callable<Void>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            List<Long> mine = new ArrayList<>(steps);
            Collections.shuffle(mine, new Random(100 + w));
            writers.add(() -> {
                for (int from = 0; from < mine.size(); from += 500) {
                    ingest.ingest(fixtures.workerCaller(), id, MetricApi.batch(1, train, mine.subList(from, from + 500)));
                }
                return null;
            });
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            for (var done : pool.invokeAll(writers)) {
                done.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(storedPoints(id)).isEqualTo(4000);
        BlockCheck.assertBlocksMatch(jdbc, id, train);
    }

    @Test
    void aStaleAttemptsBatchIs409AndStoresNothing() {
        long id = submitAndClaim();
        Series train = noisy("train_loss", 0, 9, 1, 7);
        worker.release(id, 1);
        assertThat(metrics.post(id, train.batch(1, range(0, 9)))).hasStatus(HttpStatus.CONFLICT);
        assertThat(worker.claimRun()).isEqualTo(id);
        assertThat(metrics.post(id, train.batch(1, range(0, 9)))).hasStatus(HttpStatus.CONFLICT)
                .bodyJson().extractingPath("$.detail").asString().contains("attempt 1");
        assertThat(metrics.post(id, train.batch(3, range(0, 9)))).hasStatus(HttpStatus.CONFLICT);
        assertThat(storedPoints(id)).isZero();
        worker.finish(id, 2, "\"status\": \"SUCCEEDED\"");
        assertThat(metrics.post(id, train.batch(2, range(0, 9)))).hasStatus(HttpStatus.CONFLICT);
        assertThat(storedPoints(id)).isZero();
    }

    @Test
    void aResumedAttemptReplacesThePointsAfterItsCheckpointSoEachStepHasOnePoint() {
        long id = submitAndClaim();
        Series first = noisy("train_loss", 0, 999, 1, 8);
        Series firstEval = noisy("eval_loss", 0, 900, 100, 9);
        metrics.postOk(id, first.batch(1, range(0, 999)));
        metrics.postOk(id, firstEval.batch(1, firstEval.values().keySet()));
        worker.checkpoint(id, 1, 700, "/ckpt/700");
        worker.release(id, 1); // attempt 1 dies after step 999, its last checkpoint at 700

        assertThat(worker.claim("cpu", 1L << 40, 0)).bodyJson().extractingPath("$.resumeFrom.step").isEqualTo(700);
        // before attempt 2 posts anything, the curve already ends at the checkpoint
        assertThat(MetricApi.rawSteps(metrics.history(id, "keys=train_loss"), "train_loss")).isEqualTo(first.values().headMap(700L, true));
        Series second = noisy("train_loss", 701, 1499, 1, 10);
        metrics.postOk(id, second.batch(2, range(701, 1499)));

        TreeMap<Long, Double> expected = new TreeMap<>(first.values().headMap(700L, true));
        expected.putAll(second.values());
        assertThat(MetricApi.rawSteps(metrics.history(id, "keys=train_loss&maxPoints=5000"), "train_loss"))
                .isEqualTo(expected).containsOnlyKeys(range(0, 1499));
        assertThat(MetricApi.rawSteps(metrics.history(id, "keys=eval_loss"), "eval_loss"))
                .containsOnlyKeys(0L, 100L, 200L, 300L, 400L, 500L, 600L, 700L);
        BlockCheck.assertBlocksMatch(jdbc, id, Series.of("train_loss", expected));
        BlockCheck.assertBlocksMatch(jdbc, id, Series.of("eval_loss", firstEval.values().headMap(700L, true)));
    }

    @Test
    void aRetryFromScratchDropsEveryPointOfTheEarlierAttempt() {
        long id = submitAndClaim();
        metrics.postOk(id, noisy("train_loss", 0, 99, 1, 11).batch(1, range(0, 99)));
        worker.release(id, 1); // no checkpoint
        worker.claimRun();
        assertThat(storedPoints(id)).isZero();
        assertThat(jdbc.sql("select count(*) from metric_blocks").query(Long.class).single()).isZero();
    }

    @Test
    void nonFiniteValuesAre400NamingThePointAndNothingOfTheBatchIsStored() {
        long id = submitAndClaim();
        String good = Series.point("train_loss", 0, 1.0);
        for (String bad : new String[] {"NaN", "Infinity", "-Infinity", "1e400", "-1e400", "\"NaN\""}) {
            String body = "{\"attempt\": 1, \"points\": [" + good + ", {\"key\": \"train_loss\", \"step\": 1, \"value\": "
                    + bad + "}]}";
            MvcTestResult result = metrics.post(id, body);
            assertThat(result).as(bad).hasStatus(HttpStatus.BAD_REQUEST);
            assertThat(result.getResponse().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            assertThat(result).bodyJson().extractingPath("$.errors[0].field").isEqualTo("points[1].value");
            assertThat(result).bodyJson().extractingPath("$.errors[0].message").isEqualTo("must be a finite number");
            assertThat(result).bodyJson().extractingPath("$.detail").isEqualTo("points[1].value: must be a finite number");
        }
        MvcTestResult seconds = metrics.post(id, "{\"attempt\": 1, \"points\": [{\"key\": \"lr\", \"step\": 3, \"seconds\": 1e999, \"value\": 0.1}]}");
        assertThat(seconds).hasStatus(HttpStatus.BAD_REQUEST).bodyJson().extractingPath("$.errors[*].field").asArray()
                .containsExactly("points[0].seconds");
        assertThat(storedPoints(id)).isZero();
    }

    @Test
    void invalidPointsAre400NamingEveryBadField() {
        long id = submitAndClaim();
        MvcTestResult result = metrics.post(id, """
                {"attempt": 1, "points": [{"key": "Train Loss", "step": -1, "value": 1.0}, {"key": "ok", "step": 2}]}""");
        assertThat(result).hasStatus(HttpStatus.BAD_REQUEST).bodyJson().extractingPath("$.errors[*].field").asArray()
                .containsExactly("points[0].key", "points[0].step", "points[1].value");
        assertThat(metrics.post(id, "{\"attempt\": 1, \"points\": [{\"key\": \"a\", \"step\": 1, \"value\": 1, \"valu\": 2}]}"))
                .hasStatus(HttpStatus.BAD_REQUEST).bodyJson().extractingPath("$.errors[0].field").isEqualTo("points[0].valu");
        assertThat(metrics.post(id, "{\"points\": []}")).hasStatus(HttpStatus.BAD_REQUEST)
                .bodyJson().extractingPath("$.errors[0].field").isEqualTo("attempt");
        assertThat(metrics.post(id, "{\"attempt\": 1, \"points\": [")).hasStatus(HttpStatus.BAD_REQUEST);
        assertThat(storedPoints(id)).isZero();
    }

    @Test
    void onlyWorkerTokensIngestAndOnlyTheRunsTeamReadsItsHistory() {
        long id = submitAndClaim();
        String batch = noisy("train_loss", 0, 9, 1, 12).batch(1, range(0, 9));
        assertThat(mvc.post().uri("/api/v1/worker/runs/" + id + "/metrics").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content(batch)).hasStatus(HttpStatus.FORBIDDEN);
        assertThat(mvc.post().uri("/api/v1/worker/runs/" + id + "/metrics").contentType(MediaType.APPLICATION_JSON).content(batch))
                .hasStatus(HttpStatus.UNAUTHORIZED);
        metrics.postOk(id, batch);

        Fixtures.Team other = fixtures.newTeam("other");
        assertThat(mvc.get().uri("/api/v1/runs/" + id + "/metrics").header(HttpHeaders.AUTHORIZATION, other.bearer()))
                .hasStatus(HttpStatus.NOT_FOUND);
        assertThat(mvc.get().uri("/api/v1/runs/" + id + "/metrics").header(HttpHeaders.AUTHORIZATION, fixtures.workerBearer()))
                .hasStatus(HttpStatus.FORBIDDEN);
        assertThat(metrics.history(id + 1000, "")).hasStatus(HttpStatus.NOT_FOUND);
        assertThat(metrics.history(id, "x=epoch&maxPoints=1")).hasStatus(HttpStatus.BAD_REQUEST)
                .bodyJson().extractingPath("$.errors[*].field").asArray().containsExactly("x", "maxPoints");
        assertThat(metrics.history(id, "from=10&to=5")).hasStatus(HttpStatus.BAD_REQUEST)
                .bodyJson().extractingPath("$.errors[0].field").isEqualTo("to");
    }
}
