package dev.normlab.backend.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.support.Submitter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Claim latency over real HTTP: 16 worker threads claim until the queue of
 * 1,000 runs is empty (one shared HTTP/1.1 client, keep-alive). Latency = one POST /api/v1/worker/claim answered 200, client side. Run with
 * {@code -Pbackend-bench} (docs/benchmarks.md, "Backend: claim latency").
 */
@Tag("bench")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.metrics.distribution.percentiles.http.server.requests=0.5,0.95,0.99")
class ClaimLatencyBench {

    private static final int WORKERS = 16;
    private static final int RUNS = 1_000;
    private static final int ROUNDS = 3;
    private static final Pattern RUN_ID = Pattern.compile("\"runId\":(\\d+)");

    @LocalServerPort
    int port;
    @Autowired
    Fixtures fixtures;
    @Autowired
    Submitter submitter;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MeterRegistry meters;

    @Test
    void claimLatencyWithSixteenContendingWorkers() throws Exception {
        round(200); // warm-up: JIT, connection pools, plan cache
        StringBuilder report = new StringBuilder();
        List<Long> all = new ArrayList<>();
        for (int r = 1; r <= ROUNDS; r++) {
            List<Long> nanos = round(RUNS);
            all.addAll(nanos);
            report.append(String.format(Locale.ROOT, "round %d: %s%n", r, summary(nanos)));
        }
        report.append(String.format(Locale.ROOT, "all %d claims: %s%n", all.size(), summary(all)));
        // the server's own view (Tomcat hand-off to response written), without the client's share of the 2 cores
        Timer server = meters.get("http.server.requests").tag("uri", "/api/v1/worker/claim").tag("status", "200").timer();
        StringBuilder percentiles = new StringBuilder();
        for (ValueAtPercentile v : server.takeSnapshot().percentileValues()) {
            percentiles.append(String.format(Locale.ROOT, "p%.0f %.2f ms, ", v.percentile() * 100, v.value(TimeUnit.MILLISECONDS)));
        }
        report.append(String.format(Locale.ROOT, "server side (http.server.requests, %d claims incl. warm-up): %smax %.2f ms%n",
                server.count(), percentiles, server.max(TimeUnit.MILLISECONDS)));
        System.out.println("=== Backend: claim latency (" + WORKERS + " workers, " + RUNS + " queued runs per round)\n" + report);
        Path out = Path.of("target", "bench", "claim-latency.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    @Autowired
    QueueService queue;

    /** The claim transaction alone (no HTTP, no auth): what the database part costs under the same contention. */
    @Test
    void claimTransactionLatencyWithSixteenContendingThreads() throws Exception {
        serviceRound(200);
        List<Long> all = new ArrayList<>();
        for (int r = 1; r <= ROUNDS; r++) {
            all.addAll(serviceRound(RUNS));
        }
        String line = String.format(Locale.ROOT, "claim transaction only, %d claims: %s%n", all.size(), summary(all));
        System.out.println("=== Backend: claim latency, service level\n" + line);
        Path out = Path.of("target", "bench", "claim-latency-service.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, line);
    }

    private List<Long> serviceRound(int runs) throws Exception {
        fixtures.deleteAllRuns();
        submitter.submit(fixtures.newTeam("bench"), runs);
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<long[]>>> futures = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            String name = "bench-" + w;
            futures.add(pool.submit(() -> {
                List<long[]> claims = new ArrayList<>();
                start.await();
                while (true) {
                    long t0 = System.nanoTime();
                    var claimed = queue.claimOnce(Worker.of(fixtures.workerCaller(), name), "cpu", 1L << 40);
                    long elapsed = System.nanoTime() - t0;
                    if (claimed.isEmpty()) {
                        return claims;
                    }
                    claims.add(new long[] {claimed.get().runId(), elapsed});
                }
            }));
        }
        start.countDown();
        List<Long> latencies = new ArrayList<>();
        Set<Long> claimed = new HashSet<>();
        for (Future<List<long[]>> f : futures) {
            for (long[] claim : f.get()) {
                assertThat(claimed.add(claim[0])).as("double claim of run %d", claim[0]).isTrue();
                latencies.add(claim[1]);
            }
        }
        pool.shutdown();
        assertThat(claimed).hasSize(runs);
        return latencies;
    }

    /** Queues {@code runs}, lets 16 workers drain the queue, checks nobody got a run twice; returns latencies. */
    private List<Long> round(int runs) throws Exception {
        fixtures.deleteAllRuns();
        long[] submitted = submitter.submit(fixtures.newTeam("bench"), runs);
        String bearer = fixtures.workerBearer();
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        CountDownLatch start = new CountDownLatch(1);
        // one client (one selector thread, pooled keep-alive connections) shared by the 16 workers: a client per
        // thread would add 16 selector threads competing with the server for the same 2 cores
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Future<long[][]>> futures = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            String body = "{\"workerName\":\"bench-" + w + "\",\"deviceKind\":\"cpu\",\"deviceMemoryBytes\":1099511627776,\"waitSeconds\":0}";
            futures.add(pool.submit(() -> {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/worker/claim"))
                        .header("Authorization", bearer).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                List<long[]> claims = new ArrayList<>();
                start.await();
                while (true) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    long elapsed = System.nanoTime() - t0;
                    if (response.statusCode() == 204) {
                        return claims.toArray(long[][]::new);
                    }
                    assertThat(response.statusCode()).isEqualTo(200);
                    Matcher m = RUN_ID.matcher(response.body());
                    assertThat(m.find()).isTrue();
                    claims.add(new long[] {Long.parseLong(m.group(1)), elapsed});
                }
            }));
        }
        start.countDown();
        List<Long> latencies = new ArrayList<>();
        Set<Long> claimed = new HashSet<>();
        int duplicates = 0;
        for (Future<long[][]> f : futures) {
            for (long[] claim : f.get()) {
                duplicates += claimed.add(claim[0]) ? 0 : 1;
                latencies.add(claim[1]);
            }
        }
        pool.shutdown();
        assertThat(duplicates).as("double claims").isZero();
        assertThat(claimed).containsExactlyInAnyOrderElementsOf(Arrays.stream(submitted).boxed().toList());
        assertThat(jdbc.sql("select count(*) from runs where status = 'RUNNING' and attempt = 1").query(Long.class).single())
                .isEqualTo(runs);
        return latencies;
    }

    private static String summary(List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return String.format(Locale.ROOT, "p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms, zero double claims",
                ms(sorted, 0.50), ms(sorted, 0.95), ms(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
    }

    private static double ms(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
