package dev.normlab.backend.system;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param home where the platform keeps its local files (admin and worker tokens, the embedded database);
 *     default {@code ~/.normlab}
 */
@ConfigurationProperties("normlab")
public record NormLabHome(Path home) {
}
