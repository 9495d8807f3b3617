package dev.normlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard's speed figures (docs/benchmarks.md), measured in headless Chromium with performance.mark and the
 * DevTools Performance metrics: JavaScript shipped on first load, the runs page of a 10,000-run project, a
 * 20 x 1000-bucket comparison from response to pixels, and the main thread's busy share while a live run receives
 * 10 metric batches per second. Not a timed test: it prints the figures (and writes target/dashboard-bench.txt).
 *
 * <pre>./mvnw -q -B -pl e2e -am verify -Pdashboard-bench -Dtest=DashboardBench -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
@Tag("bench")
class DashboardBench {

    private static final int REPEATS = 5;

    @TempDir
    static Path root;

    private static InProcessBackend backend;
    private static UserApi user;
    private static Browser browser;
    private static String workerBearer;
    private static final List<String> report = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        backend = InProcessBackend.start(root, 300);
        user = new UserApi(backend.baseUri(), backend.adminToken());
        workerBearer = "Bearer " + Files.readString(backend.workerTokenFile()).trim();
        browser = new Browser(backend.baseUri());
        browser.signIn("admin", backend.adminPassword());
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        report.add("date " + OffsetDateTime.now() + ", " + os.getAvailableProcessors() + " cores, load average "
                + String.format("%.2f", os.getSystemLoadAverage()) + " at the start, "
                + browser.driver.getCapabilities().getBrowserName() + " " + browser.driver.getCapabilities().getBrowserVersion());
    }

    @AfterAll
    static void stop() throws IOException {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        report.add("load average " + String.format("%.2f", os.getSystemLoadAverage()) + " at the end");
        report.forEach(System.out::println);
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "dashboard-bench.txt"), report);
        if (browser != null) {
            browser.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void javascriptShippedOnFirstLoad() throws IOException {
        String index = resource("static/index.html");
        Matcher assets = Pattern.compile("(?:src|href)=\"/(assets/[^\"]+\\.(js|css))\"").matcher(index);
        long js = 0;
        long css = 0;
        while (assets.find()) {
            long gz = gzipped(resourceBytes("static/" + assets.group(1)));
            if (assets.group(2).equals("js")) {
                js += gz;
            } else {
                css += gz;
            }
        }
        report.add("first load: JavaScript %.1f KB gzipped, CSS %.1f KB gzipped".formatted(js / 1000.0, css / 1000.0));
        assertThat(js).isPositive();
    }

    @Test
    void runsPageOfAProjectWith10000Runs() throws SQLException {
        long project = user.post("/api/v1/projects", "{\"name\": \"bench-10k\", \"team\": \"default\"}").path("id").asLong();
        long template = user.submit(spec("bench-10k", "template", 10));
        user.cancel(template);
        try (Connection c = backend.bean(DataSource.class).getConnection();
                PreparedStatement insert = c.prepareStatement("""
                        insert into runs (project_id, name, tags, spec, optimizer, model, device, required_memory_bytes,
                                          status, vtime, created_by, created_at, started_at, finished_at, final_loss)
                        select r.project_id, 'bench run ' || g || ' ' || r.optimizer, '{bench}', r.spec, r.optimizer, r.model,
                               r.device, r.required_memory_bytes, 'SUCCEEDED', g, r.created_by,
                               now() - g * interval '1 minute', now() - g * interval '1 minute',
                               now() - g * interval '1 minute' + interval '30 seconds', 2 + (g % 97) / 97.0
                        from runs r, generate_series(1, 9999) g where r.id = ?""")) {
            insert.setLong(1, template);
            insert.executeUpdate();
        }
        assertThat(user.get("/api/v1/runs?project=" + project + "&size=1").path("totalItems").asLong()).isEqualTo(10_000);
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < REPEATS; i++) {
            browser.go("/runs?project=" + project);
            browser.find("[data-testid=runs-table] tbody tr");
            times.add(markSinceNavigation("normlab:runs-interactive"));
        }
        report.add("runs page, 10,000 runs in the project, navigation -> table interactive: " + summary(times) + " ms");
    }

    @Test
    void compareOf20RunsWith1000Buckets() {
        List<Long> ids = new ArrayList<>();
        for (int r = 0; r < 20; r++) {
            long id = user.submit(spec("default", "compare " + r, 5000));
            JsonNode claim = worker("/api/v1/worker/claim", "{\"workerName\": \"bench\", \"deviceKind\": \"cpu\", \"deviceMemoryBytes\": 8589934592, \"waitSeconds\": 1}");
            assertThat(claim.path("runId").asLong()).isEqualTo(id);
            int attempt = claim.path("attempt").asInt();
            StringBuilder points = new StringBuilder();
            double loss = 10;
            for (int step = 1; step <= 5000; step++) {
                loss = loss * 0.999 + 0.002 * (2 + r * 0.05) + 0.05 * Math.sin(step * 0.37 + r);
                points.append(step == 1 ? "" : ",").append("{\"key\":\"train_loss\",\"step\":").append(step)
                        .append(",\"tokens\":").append(step * 128L).append(",\"seconds\":").append(step * 0.01)
                        .append(",\"value\":").append(loss).append('}');
            }
            worker("/api/v1/worker/runs/" + id + "/metrics", "{\"attempt\": " + attempt + ", \"points\": [" + points + "]}");
            worker("/api/v1/worker/runs/" + id + "/finish", "{\"attempt\": " + attempt + ", \"status\": \"SUCCEEDED\"}");
            ids.add(id);
        }
        String runs = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        List<Double> times = new ArrayList<>();
        int maxPoints = 0;
        for (int i = 0; i < REPEATS; i++) {
            browser.go("/compare?runs=" + runs + "&x=step");
            browser.waitFor(() -> browser.js("return performance.getEntriesByName('normlab:compare-render').length") instanceof Long n && n > 0,
                    "the compare chart drawn");
            maxPoints = Integer.parseInt(browser.find("[data-testid=compare-chart]").getAttribute("data-max-points"));
            times.add(((Number) browser.js("const m = performance.getEntriesByName('normlab:compare-render'); return m[m.length - 1].duration")).doubleValue());
        }
        report.add("compare 20 runs x %d buckets (5000 points each), response -> pixels: %s ms".formatted(maxPoints, summary(times)));
    }

    @Test
    void liveRunAt10MetricBatchesPerSecond() throws InterruptedException {
        long id = user.submit(spec("default", "live bench", 1_000_000));
        JsonNode claim = worker("/api/v1/worker/claim", "{\"workerName\": \"bench-live\", \"deviceKind\": \"cpu\", \"deviceMemoryBytes\": 8589934592, \"waitSeconds\": 1}");
        int attempt = claim.path("attempt").asInt();
        browser.go("/runs/" + id);
        browser.find(".live");
        AtomicBoolean stop = new AtomicBoolean();
        Thread feeder = new Thread(() -> {
            int step = 0;
            while (!stop.get()) {
                StringBuilder points = new StringBuilder();
                for (int i = 0; i < 10; i++) {
                    step++;
                    for (String key : new String[] {"train_loss", "lr", "grad_norm", "tokens_per_s", "step_ms"}) {
                        points.append(points.isEmpty() ? "" : ",").append("{\"key\":\"").append(key).append("\",\"step\":").append(step)
                                .append(",\"tokens\":").append(step * 128L).append(",\"seconds\":").append(step * 0.01)
                                .append(",\"value\":").append(3 + Math.sin(step * 0.01)).append('}');
                    }
                }
                worker("/api/v1/worker/runs/" + id + "/metrics", "{\"attempt\": " + attempt + ", \"points\": [" + points + "]}");
                if (step % 100 == 0) {
                    worker("/api/v1/worker/runs/" + id + "/heartbeat", "{\"attempt\": " + attempt + "}");
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-feeder");
        feeder.start();
        Thread.sleep(3000); // warm-up: the stream is flowing and the charts exist
        browser.cdp("Performance.enable", Map.of());
        double task0 = metric("TaskDuration");
        double script0 = metric("ScriptDuration");
        long t0 = System.nanoTime();
        String points0 = browser.find("[data-group=loss]").getAttribute("data-points");
        Thread.sleep(10_000);
        double task1 = metric("TaskDuration");
        double script1 = metric("ScriptDuration");
        double wall = (System.nanoTime() - t0) / 1e9;
        String points1 = browser.find("[data-group=loss]").getAttribute("data-points");
        stop.set(true);
        feeder.join();
        report.add(("live run, 10 batches/s (50 points each) for %.1f s: main thread busy %.1f%% (script %.1f%%); "
                + "loss chart %s -> %s points").formatted(wall, 100 * (task1 - task0) / wall, 100 * (script1 - script0) / wall, points0, points1));
        assertThat(Integer.parseInt(points1)).isGreaterThan(Integer.parseInt(points0));
    }

    // --- helpers

    private static double metric(String name) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> metrics = (List<Map<String, Object>>) browser.cdp("Performance.getMetrics", Map.of()).get("metrics");
        return metrics.stream().filter(m -> name.equals(m.get("name"))).mapToDouble(m -> ((Number) m.get("value")).doubleValue())
                .findFirst().orElseThrow();
    }

    private static double markSinceNavigation(String mark) {
        return browser.waitFor(() -> {
            Object t = browser.js("const m = performance.getEntriesByName(arguments[0]); return m.length ? m[0].startTime : null", mark);
            return t == null ? null : ((Number) t).doubleValue();
        }, mark);
    }

    private static String summary(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return "median %.1f (min %.1f, max %.1f, %d loads)".formatted(sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1],
                sorted.length) + " " + Arrays.toString(Arrays.stream(sorted).mapToLong(Math::round).toArray());
    }

    private static JsonNode worker(String path, String body) {
        HttpResponse<String> response = DashboardE2eTest.send(HttpRequest.newBuilder(backend.baseUri().resolve(path))
                .header("Authorization", workerBearer).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isBetween(200, 299);
        return response.body().isEmpty() ? null : DashboardE2eTest.json(response.body());
    }

    private static String spec(String project, String name, long steps) {
        return """
                {"project": "%s", "name": "%s", "model": {"preset": "nano", "layers": 1},
                 "optimizer": {"name": "sinkgd"}, "tokenizer": "byte", "seqLen": 32, "batchSize": 4, "steps": %d, "device": "cpu"}"""
                .formatted(project, name, steps);
    }

    private static String resource(String name) throws IOException {
        return new String(resourceBytes(name), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] resourceBytes(String name) throws IOException {
        try (InputStream in = DashboardBench.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("not on the class path: " + name);
            }
            return in.readAllBytes();
        }
    }

    private static long gzipped(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            { def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION); }
        }) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.size();
    }
}
