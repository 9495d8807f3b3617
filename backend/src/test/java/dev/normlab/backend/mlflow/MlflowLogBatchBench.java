package dev.normlab.backend.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.queue.QueueService;
import dev.normlab.backend.queue.Worker;
import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.support.Submitter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * MLflow's {@code runs/log-batch} with 1000 metrics from 8 concurrent clients (each its own tracked run), against the
 * native ingest path ({@code POST /api/v1/worker/runs/{id}/metrics}) measured in the same JVM, under the same load.
 * Run with {@code -Pbackend-bench} (docs/benchmarks.md, "Backend: MLflow log-batch").
 */
@Tag("bench")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"normlab.queue.lease=30m", "normlab.queue.claim-confirm=30m"})
class MlflowLogBatchBench {

    private static final int WRITERS = 8;
    private static final int BATCH = 1000;
    private static final int BATCHES_PER_WRITER = 50;

    @LocalServerPort
    int port;
    @Autowired
    Fixtures fixtures;
    @Autowired
    Submitter submitter;
    @Autowired
    QueueService queue;
    @Autowired
    JdbcClient jdbc;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final StringBuilder report = new StringBuilder();
    private Fixtures.Team team;

    private String[] trackedRuns() throws Exception {
        team = fixtures.newTeam("mlbench");
        String[] runs = new String[WRITERS];
        for (int i = 0; i < WRITERS; i++) {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base() + "runs/create"))
                    .header("Authorization", team.bearer()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"experiment_id\": \"" + team.projectId() + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            runs[i] = json.readTree(created.body()).path("run").path("info").path("run_id").asString();
        }
        return runs;
    }

    private String[] trainedRuns() {
        team = fixtures.newTeam("nbench");
        long[] ids = submitter.submit(team, WRITERS);
        for (int i = 0; i < WRITERS; i++) {
            assertThat(queue.claimOnce(Worker.of(fixtures.workerCaller(), "bench-" + i), "cpu", 1L << 40)).isPresent();
        }
        String[] runs = new String[WRITERS];
        for (int i = 0; i < WRITERS; i++) {
            runs[i] = Long.toString(ids[i]);
        }
        return runs;
    }

    private String base() {
        return "http://localhost:" + port + "/mlflow/api/2.0/mlflow/";
    }

    private static double value(long step, Random random) {
        return 2 + 8 / (1 + step / 1000.0) + 0.1 * random.nextGaussian();
    }

    private static String mlflowBody(String run, int batch, Random random) {
        StringBuilder b = new StringBuilder(BATCH * 80).append("{\"run_id\":\"").append(run).append("\",\"metrics\":[");
        long t0 = 1_700_000_000_000L;
        for (int i = 0; i < BATCH; i++) {
            long step = (long) batch * BATCH + i;
            b.append(i == 0 ? "" : ",").append("{\"key\":\"train_loss\",\"value\":").append(value(step, random))
                    .append(",\"timestamp\":").append(t0 + step * 250).append(",\"step\":").append(step).append('}');
        }
        return b.append("]}").toString();
    }

    private static String nativeBody(int batch, Random random) {
        StringBuilder b = new StringBuilder(BATCH * 80).append("{\"attempt\":1,\"points\":[");
        for (int i = 0; i < BATCH; i++) {
            long step = (long) batch * BATCH + i;
            b.append(i == 0 ? "" : ",").append("{\"key\":\"train_loss\",\"step\":").append(step).append(",\"tokens\":")
                    .append(step * 512).append(",\"seconds\":").append(step * 0.25).append(",\"value\":").append(value(step, random)).append('}');
        }
        return b.append("]}").toString();
    }

    private void round(String label, boolean mlflow) throws Exception {
        String[] runs = mlflow ? trackedRuns() : trainedRuns();
        String bearer = mlflow ? team.bearer() : fixtures.workerBearer();
        Random random = new Random(1);
        List<List<String>> bodies = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            List<String> mine = new ArrayList<>();
            for (int b = 0; b < BATCHES_PER_WRITER; b++) {
                mine.add(mlflow ? mlflowBody(runs[w], b, random) : nativeBody(b, random));
            }
            bodies.add(mine);
        }
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<long[]>> futures = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            URI uri = URI.create(mlflow ? base() + "runs/log-batch" : "http://localhost:" + port + "/api/v1/worker/runs/" + runs[w] + "/metrics");
            futures.add(pool.submit(() -> {
                long[] latencies = new long[BATCHES_PER_WRITER];
                start.await();
                for (int b = 0; b < BATCHES_PER_WRITER; b++) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).header("Authorization", bearer)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(bodies.get(writer).get(b))).build(), HttpResponse.BodyHandlers.ofString());
                    latencies[b] = System.nanoTime() - t0;
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(mlflow ? 200 : 204);
                }
                return latencies;
            }));
        }
        long t0 = System.nanoTime();
        start.countDown();
        List<Long> all = new ArrayList<>();
        for (Future<long[]> f : futures) {
            for (long l : f.get()) {
                all.add(l);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        for (String run : runs) {
            String where = mlflow ? "r.mlflow_run_id = ?" : "r.id = cast(? as bigint)";
            assertThat(jdbc.sql("select count(*) from metric_points p join metric_series s on s.id = p.series_id join runs r on r.id = s.run_id where "
                    + where).param(run).query(Long.class).single()).isEqualTo((long) BATCHES_PER_WRITER * BATCH);
        }
        long points = (long) WRITERS * BATCHES_PER_WRITER * BATCH;
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        line(String.format(Locale.ROOT, "%s: %,d points in %.2f s = %,.0f points/s; batch p50 %.1f ms, p95 %.1f ms, max %.1f ms",
                label, points, seconds, points / seconds, ms(sorted, 0.50), ms(sorted, 0.95), sorted[sorted.length - 1] / 1e6));
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    @Test
    void logBatchOfAThousandMetricsFromEightClientsAgainstTheNativePath() throws Exception {
        round("warm-up (MLflow)", true);
        round("warm-up (native)", false);
        line("=== Backend: MLflow runs/log-batch vs native ingest, " + WRITERS + " clients x " + BATCHES_PER_WRITER + " batches of "
                + BATCH + " points, each client its own run");
        for (int r = 1; r <= 2; r++) {
            round("MLflow POST /mlflow/api/2.0/mlflow/runs/log-batch, round " + r, true);
            round("native POST /api/v1/worker/runs/{id}/metrics, round " + r, false);
        }
        Path out = Path.of("target", "bench", "mlflow-log-batch.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    private void line(String s) {
        System.out.println(s);
        report.append(s).append('\n');
    }
}
