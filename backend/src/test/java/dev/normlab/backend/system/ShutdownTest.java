package dev.normlab.backend.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.NormLabApplication;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Stopping the backend (what SIGTERM does: close the context) with a worker long-polling and a browser following
 * a run: both are answered at once, the database stops last, and it all takes well under 5 s.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShutdownTest {

    @Test
    void theBackendStopsWithinFiveSecondsAndTheDatabaseLast(@TempDir Path root, CapturedOutput output) throws Exception {
        Path home = root.resolve("home");
        ConfigurableApplicationContext context = new SpringApplication(NormLabApplication.class).run(
                "--server.port=0", "--normlab.home=" + home, "--normlab.postgres.data-dir=" + root.resolve("pg"));
        String base = "http://localhost:" + context.getEnvironment().getRequiredProperty("local.server.port");
        String admin = "Bearer " + Files.readString(home.resolve("admin-token")).trim();
        String worker = "Bearer " + Files.readString(home.resolve("worker-token")).trim();
        int dbPort = context.getBean(io.zonky.test.db.postgres.embedded.EmbeddedPostgres.class).getPort();
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> run = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/runs"))
                .header("Authorization", admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"project\": \"default\", \"optimizer\": {\"name\": \"sgd\"}, "
                        + "\"steps\": 1, \"device\": \"gpu\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(run.statusCode()).isEqualTo(201);
        long runId = Long.parseLong(run.body().replaceAll("^\\{\"id\":(\\d+).*", "$1"));

        // a CPU worker waits 25 s for work it will not get (the run wants a GPU)
        CompletableFuture<HttpResponse<String>> claim = http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/v1/worker/claim"))
                .header("Authorization", worker).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"workerName\": \"w\", \"deviceKind\": \"cpu\", "
                        + "\"deviceMemoryBytes\": 1000000000000, \"waitSeconds\": 25}")).build(), HttpResponse.BodyHandlers.ofString());
        // a browser follows the queued run
        HttpResponse<InputStream> events = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/runs/" + runId + "/events"))
                .header("Authorization", admin).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(events.statusCode()).isEqualTo(200);
        Thread.sleep(500);
        assertThat(claim).isNotDone();

        long start = System.nanoTime();
        context.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(claim.get(1, TimeUnit.SECONDS).statusCode()).isEqualTo(204);
        try (InputStream stream = events.body()) {
            stream.readAllBytes(); // ends instead of hanging
        }
        assertThat(output.getAll()).doesNotContain("Failed to validate connection").doesNotContain("Connection refused");
        assertThat(portOpen(dbPort)).isFalse();
    }

    private static boolean portOpen(int port) {
        try (Socket ignored = new Socket("localhost", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
