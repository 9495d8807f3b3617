package dev.normlab.e2e;

import dev.normlab.backend.NormLabApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real backend in this JVM: Spring Boot on a random port with its embedded PostgreSQL and its home
 * (admin and worker tokens) under a temporary directory.
 */
final class InProcessBackend implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final Path home;

    private InProcessBackend(ConfigurableApplicationContext context, Path home) {
        this.context = context;
        this.home = home;
    }

    /**
     * @param leaseSeconds a short lease makes the agent beat (and see a cancel) every leaseSeconds / 4
     */
    static InProcessBackend start(Path root, int leaseSeconds) {
        Path home = root.resolve("home");
        SpringApplication app = new SpringApplication(NormLabApplication.class);
        // command-line arguments outrank the backend's application.yml (default properties would not)
        ConfigurableApplicationContext context = app.run(
                "--server.port=0",
                "--normlab.home=" + home,
                "--normlab.postgres.data-dir=" + root.resolve("postgres"),
                "--normlab.queue.lease=" + leaseSeconds + "s");
        return new InProcessBackend(context, home);
    }

    URI baseUri() {
        return URI.create("http://localhost:" + context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    String adminToken() {
        try {
            return Files.readString(home.resolve("admin-token")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The admin's first-start password (the browser signs in with it). */
    String adminPassword() {
        try {
            return Files.readString(home.resolve("admin-password")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    Path workerTokenFile() {
        return home.resolve("worker-token");
    }

    @Override
    public void close() {
        context.close();
    }
}
