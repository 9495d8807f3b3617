package dev.normlab.backend.system;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param maxRequestSize larger request bodies are refused with 413 before they are read
 * @param tokenCache how long a resolved bearer token is trusted without asking the database again
 */
@ConfigurationProperties("normlab.api")
public record ApiProperties(@DefaultValue("8MB") DataSize maxRequestSize, @DefaultValue("5s") Duration tokenCache) {
}
