package dev.normlab.backend.system;

import java.nio.file.Path;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The embedded PostgreSQL used when no {@code spring.datasource.url} is set.
 *
 * @param dataDir where the cluster lives, so history survives restarts; blank = a throw-away cluster (tests)
 * @param port 0 picks a free port
 */
@ConfigurationProperties("normlab.postgres")
public record EmbeddedPostgresProperties(String dataDir, int port) {

    public Optional<Path> persistentDataDir() {
        return dataDir == null || dataDir.isBlank() ? Optional.empty() : Optional.of(Path.of(dataDir));
    }
}
