package dev.normlab.backend.metric;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.api.worker.MetricBatch;
import dev.normlab.api.worker.MetricPoint;
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

/**
 * Metric ingest throughput (8 concurrent writers, batches of 1000) and the downsampled history of a 1M-point
 * series. Run with {@code -Pbackend-bench} (docs/benchmarks.md, "Backend: metric store").
 */
@Tag("bench")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "normlab.queue.lease=30m")
class MetricBench {

    private static final int WRITERS = 8;
    private static final int BATCH = 1000;
    private static final int BATCHES_PER_WRITER = 50;
    private static final int SERIES_POINTS = 1_000_000;
    private static final int QUERIES = 200;

    @LocalServerPort
    int port;
    @Autowired
    Fixtures fixtures;
    @Autowired
    Submitter submitter;
    @Autowired
    QueueService queue;
    @Autowired
    MetricIngestService ingest;
    @Autowired
    MetricQueryService query;
    @Autowired
    JdbcClient jdbc;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final StringBuilder report = new StringBuilder();

    /** The team of the runs {@link #runningRuns} made last. */
    private Fixtures.Team team;

    /** Claimed runs (attempt 1), one per writer. */
    private long[] runningRuns(int count) {
        team = fixtures.newTeam("mbench");
        long[] ids = submitter.submit(team, count);
        for (int i = 0; i < count; i++) {
            var claimed = queue.claimOnce(Worker.of(fixtures.workerCaller(), "bench-" + i), "cpu", 1L << 40).orElseThrow();
            // confirmed, as a real worker's first heartbeat does, so the claim outlives the confirm window
            queue.heartbeat(fixtures.workerCaller(), claimed.runId(), claimed.attempt());
        }
        return ids;
    }

    private static List<MetricPoint> points(long fromStep, int n, Random random) {
        List<MetricPoint> points = new ArrayList<>(n);
        for (long step = fromStep; step < fromStep + n; step++) {
            points.add(new MetricPoint("train_loss", step, step * 512, step * 0.25, 2 + 8 / (1 + step / 1000.0) + 0.1 * random.nextGaussian()));
        }
        return points;
    }

    private static String json(MetricBatch batch) {
        StringBuilder json = new StringBuilder(batch.points().size() * 80).append("{\"attempt\":").append(batch.attempt()).append(",\"points\":[");
        for (int i = 0; i < batch.points().size(); i++) {
            MetricPoint p = batch.points().get(i);
            json.append(i == 0 ? "" : ",").append("{\"key\":\"").append(p.key()).append("\",\"step\":").append(p.step())
                    .append(",\"tokens\":").append(p.tokens()).append(",\"seconds\":").append(p.seconds())
                    .append(",\"value\":").append(p.value()).append('}');
        }
        return json.append("]}").toString();
    }

    interface Writer {
        void write(int writer, long runId, int batch) throws Exception;
    }

    /** Wall time of WRITERS threads each writing BATCHES_PER_WRITER batches into its own run; returns points/s. */
    private double throughput(String label, long[] runs, Writer writer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<long[]>> futures = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int index = w;
            futures.add(pool.submit(() -> {
                long[] latencies = new long[BATCHES_PER_WRITER];
                start.await();
                for (int b = 0; b < BATCHES_PER_WRITER; b++) {
                    long t0 = System.nanoTime();
                    writer.write(index, runs[index], b);
                    latencies[b] = System.nanoTime() - t0;
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
        long points = (long) WRITERS * BATCHES_PER_WRITER * BATCH;
        for (long run : runs) {
            assertThat(jdbc.sql("select count(*) from metric_points p join metric_series s on s.id = p.series_id where s.run_id = ?")
                    .param(run).query(Long.class).single()).isEqualTo((long) BATCHES_PER_WRITER * BATCH);
        }
        double rate = points / seconds;
        line(String.format(Locale.ROOT, "%s: %,d points in %.2f s = %,.0f points/s; batch latency %s", label, points, seconds, rate,
                summary(all)));
        return rate;
    }

    @Test
    void ingestThroughputOfEightWritersWithBatchesOfAThousand() throws Exception {
        Random random = new Random(1);
        // bodies built before the clock starts: the bench times the server, not the test's JSON writer
        List<List<MetricBatch>> batches = new ArrayList<>();
        List<List<String>> bodies = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            List<MetricBatch> mine = new ArrayList<>();
            for (int b = 0; b < BATCHES_PER_WRITER; b++) {
                mine.add(new MetricBatch(1, points((long) b * BATCH, BATCH, random)));
            }
            batches.add(mine);
            bodies.add(mine.stream().map(MetricBench::json).toList());
        }
        String bearer = fixtures.workerBearer();
        Writer overHttp = (w, run, b) -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/worker/runs/" + run + "/metrics"))
                    .header("Authorization", bearer).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(bodies.get(w).get(b))).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
        };
        Writer service = (w, run, b) -> ingest.ingest(fixtures.workerCaller(), run, batches.get(w).get(b));

        throughput("warm-up (HTTP)", runningRuns(WRITERS), overHttp);
        throughput("warm-up (service)", runningRuns(WRITERS), service);
        line("=== Backend: metric ingest, " + WRITERS + " writers x " + BATCHES_PER_WRITER + " batches of " + BATCH
                + " points, each writer its own run");
        for (int round = 1; round <= 2; round++) {
            throughput("HTTP POST /api/v1/worker/runs/{id}/metrics, round " + round, runningRuns(WRITERS), overHttp);
            throughput("service MetricIngestService.ingest, round " + round, runningRuns(WRITERS), service);
        }
        write("metric-ingest.txt");
    }

    @Test
    void historyOfAMillionPointSeriesDownsampledToAThousand() throws Exception {
        long run = runningRuns(1)[0];
        Random random = new Random(2);
        long t0 = System.nanoTime();
        for (long from = 0; from < SERIES_POINTS; from += BATCH) {
            ingest.ingest(fixtures.workerCaller(), run, new MetricBatch(1, points(from, BATCH, random)));
        }
        line(String.format(Locale.ROOT, "=== Backend: metric history, 1 series of %,d points (loaded by one writer in %.1f s)",
                SERIES_POINTS, (System.nanoTime() - t0) / 1e9));
        jdbc.sql("analyze").update();
        var caller = fixtures.caller(team.bearer());
        Random windows = new Random(3);
        String bearer = team.bearer();
        for (String view : new String[] {"full range", "zoom 100k steps", "zoom 10k steps"}) {
            for (String via : new String[] {"HTTP", "service"}) {
                List<Long> nanos = new ArrayList<>();
                for (int q = -20; q < QUERIES; q++) { // 20 warm-up queries
                    long width = view.startsWith("full") ? SERIES_POINTS : view.contains("100k") ? 100_000 : 10_000;
                    long from = width == SERIES_POINTS ? 0 : windows.nextLong(SERIES_POINTS - width);
                    Double fromX = width == SERIES_POINTS ? null : (double) from;
                    Double toX = width == SERIES_POINTS ? null : (double) (from + width - 1);
                    long start = System.nanoTime();
                    int entries;
                    if (via.equals("HTTP")) {
                        String q1 = "keys=train_loss&maxPoints=1000" + (fromX == null ? "" : "&from=" + from + "&to=" + (from + width - 1));
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create("http://localhost:" + port + "/api/v1/runs/" + run + "/metrics?" + q1))
                                .header("Authorization", bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
                        assertThat(response.statusCode()).isEqualTo(200);
                        entries = response.body().split("\"step\"").length - 1;
                    } else {
                        MetricHistory h = query.history(caller, run, List.of("train_loss"), new MetricWindow(XAxis.STEP, fromX, toX, 1000));
                        entries = h.series().get(0).points().size();
                    }
                    long elapsed = System.nanoTime() - start;
                    assertThat(entries).isBetween(500, 1000);
                    if (q >= 0) {
                        nanos.add(elapsed);
                    }
                }
                line(String.format(Locale.ROOT, "%s, maxPoints=1000, %s: %d queries, %s", view, via, QUERIES, summary(nanos)));
            }
        }
        write("metric-history.txt");
    }

    private void line(String s) {
        System.out.println(s);
        report.append(s).append('\n');
    }

    private void write(String file) throws Exception {
        Path out = Path.of("target", "bench", file);
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    private static String summary(List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return String.format(Locale.ROOT, "p50 %.2f ms, p95 %.2f ms, max %.2f ms", ms(sorted, 0.50), ms(sorted, 0.95),
                sorted[sorted.length - 1] / 1e6);
    }

    private static double ms(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
