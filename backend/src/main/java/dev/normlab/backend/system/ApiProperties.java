package dev.normlab.backend.system;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/** @param maxRequestSize larger request bodies are refused with 413 before they are read */
@ConfigurationProperties("normlab.api")
public record ApiProperties(@DefaultValue("8MB") DataSize maxRequestSize) {
}
