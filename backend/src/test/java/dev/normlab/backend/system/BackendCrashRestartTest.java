package dev.normlab.backend.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.NormLabApplication;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend as a real separate process on a persistent home, killed with SIGKILL: its PostgreSQL outlives it,
 * and the next start, at once, must still come up on the same data.
 */
class BackendCrashRestartTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);

    @TempDir
    Path home;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> started = new ArrayList<>();

    private Process startBackend(int port, String logName) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                NormLabApplication.class.getName(),
                "--server.port=" + port, "--normlab.home=" + home,
                // the test resources make the database throw-away: this one is persistent, as in production
                "--normlab.postgres.data-dir=" + home.resolve("postgres"))
                .redirectErrorStream(true).redirectOutput(home.resolve(logName).toFile()).start();
        started.add(process);
        return process;
    }

    private void awaitHealthy(Process backend, int port, String logName) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!backend.isAlive()) {
                throw new AssertionError("the backend exited with " + backend.exitValue() + " during start-up:\n" + tail(logName));
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && health.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the backend was not healthy within " + START_TIMEOUT + ":\n" + tail(logName));
    }

    private String tail(String logName) throws IOException {
        List<String> lines = Files.readAllLines(home.resolve(logName), StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private HttpResponse<String> call(int port, String method, String path, String body) throws Exception {
        String token = Files.readString(home.resolve("admin-token")).strip();
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Optional<ProcessHandle> postmaster() throws IOException {
        Path pidFile = home.resolve("postgres").resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
        return first.matches("\\d+") ? ProcessHandle.of(Long.parseLong(first)).filter(ProcessHandle::isAlive) : Optional.empty();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aBackendKilledWithSigkillRestartsAtOnceOnItsData() throws Exception {
        int port = freePort();
        Process first = startBackend(port, "first.log");
        awaitHealthy(first, port, "first.log");
        HttpResponse<String> submitted = call(port, "POST", "/api/v1/runs",
                "{\"project\": \"default\", \"name\": \"survives kill -9\", \"optimizer\": {\"name\": \"swan\"}, \"steps\": 10}");
        assertThat(submitted.statusCode()).isEqualTo(201);
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(submitted.body());
        assertThat(id.find()).isTrue();

        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
        Optional<ProcessHandle> orphan = postmaster();
        assertThat(orphan).as("the killed backend's PostgreSQL is still running").isPresent();

        Process second = startBackend(port, "second.log");
        awaitHealthy(second, port, "second.log");

        assertThat(orphan.get().isAlive()).as("the orphan was stopped").isFalse();
        assertThat(postmaster()).isPresent();
        HttpResponse<String> run = call(port, "GET", "/api/v1/runs/" + id.group(1), null);
        assertThat(run.statusCode()).isEqualTo(200);
        assertThat(run.body()).contains("\"name\":\"survives kill -9\"").contains("\"status\":\"QUEUED\"");
        assertThat(Files.readString(home.resolve("second.log"))).contains("left running on");
    }

    @AfterEach
    void stopEverythingStarted() throws Exception {
        for (Process process : started) {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        // never leave a PostgreSQL behind, whatever happened above
        Optional<ProcessHandle> left = postmaster();
        if (left.isPresent()) {
            left.get().destroy();
            left.get().onExit().get(60, TimeUnit.SECONDS);
        }
    }
}
