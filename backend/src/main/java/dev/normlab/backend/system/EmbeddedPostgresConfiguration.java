package dev.normlab.backend.system;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.Optional;
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

    /** The persistent cluster's setup (durable, password, orphan); empty for a throw-away test cluster. */
    private static Optional<PersistentPostgres> persistent(EmbeddedPostgresProperties properties, NormLabHome home) {
        return properties.persistentDataDir()
                .map(dir -> new PersistentPostgres(dir, home.home().resolve(PersistentPostgres.PASSWORD_FILE)));
    }

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(EmbeddedPostgresProperties properties, NormLabHome home) throws IOException {
        Optional<PersistentPostgres> persistent = persistent(properties, home);
        // a throw-away cluster keeps the library's fast test settings (fsync off, trust); neither gets the library's
        // JVM shutdown hook: on SIGTERM it would stop the database while requests still run; the context closes
        // this bean after the web server and every other user of the database have stopped
        EmbeddedPostgres postgres = persistent.isPresent()
                ? persistent.get().start(properties.port())
                : EmbeddedPostgres.builder().setPort(properties.port()).setRegisterShutdownHook(false).start();
        log.info("Embedded PostgreSQL on port {} with data in {}", postgres.getPort(),
                properties.persistentDataDir().map(Object::toString).orElse("a temporary directory"));
        return postgres;
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres postgres, EmbeddedPostgresProperties properties, NormLabHome home) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.getJdbcUrl(PersistentPostgres.SUPERUSER, "postgres"));
        config.setUsername(PersistentPostgres.SUPERUSER);
        persistent(properties, home).ifPresent(p -> config.setPassword(p.password()));
        config.setMaximumPoolSize(20);
        config.setPoolName("normlab-embedded");
        return new HikariDataSource(config);
    }
}
