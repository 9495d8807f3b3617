package dev.normlab.backend.system;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts a real PostgreSQL from Maven Central binaries when no external database is configured, so the
 * platform runs with nothing installed but a JDK. Setting {@code SPRING_DATASOURCE_URL} turns this off.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(EmbeddedPostgresProperties properties) throws IOException {
        // no JVM shutdown hook of its own: on SIGTERM it would stop the database while requests still run; the
        // context closes this bean after the web server and every other user of the database have stopped
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPort(properties.port()).setRegisterShutdownHook(false);
        if (properties.persistentDataDir().isPresent()) {
            Files.createDirectories(properties.persistentDataDir().get());
            builder.setDataDirectory(properties.persistentDataDir().get()).setCleanDataDirectory(false);
        }
        EmbeddedPostgres postgres = builder.start();
        log.info("Embedded PostgreSQL on port {} with data in {}", postgres.getPort(),
                properties.persistentDataDir().map(Object::toString).orElse("a temporary directory"));
        return postgres;
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres postgres) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        config.setUsername("postgres");
        config.setMaximumPoolSize(20);
        config.setPoolName("normlab-embedded");
        return new HikariDataSource(config);
    }
}
