package dev.normlab.backend.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Live run events (SSE).
 *
 * @param timeout a stream ends after this long (the browser's EventSource reconnects by itself)
 * @param keepAlive a comment line this often keeps proxies from closing an idle stream and finds dead clients
 */
@ConfigurationProperties("normlab.events")
public record EventsProperties(
        @DefaultValue("30m") Duration timeout,
        @DefaultValue("15s") Duration keepAlive) {
}
