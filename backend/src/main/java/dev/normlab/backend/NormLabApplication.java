package dev.normlab.backend;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The NormLab backend: REST API, run queue and metric store on PostgreSQL. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class NormLabApplication {

    public static void main(String[] args) {
        SpringApplication.run(NormLabApplication.class, args);
    }
}
