package dev.normlab.backend.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The backend as `./normlab start` runs it: its embedded PostgreSQL on a persistent directory. */
// registered before Spring's extension, so its afterAll runs after the context (and its database) closed
@ExtendWith(DurableDatabaseTest.DeleteDataDirectory.class)
@SpringBootTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DurableDatabaseTest {

    private static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"), "normlab-durable-" + UUID.randomUUID());

    @DynamicPropertySource
    static void persistentDataDirectory(DynamicPropertyRegistry registry) {
        registry.add("normlab.postgres.data-dir", () -> DIR.resolve("postgres").toString());
    }

    @Autowired
    JdbcClient jdbc;
    @Autowired
    NormLabHome home;

    private String show(String setting) {
        return jdbc.sql("show " + setting).query(String.class).single();
    }

    @Test
    void aPersistentDatabaseIsDurableAndTrustsNoOne() throws Exception {
        assertThat(show("fsync")).isEqualTo("on");
        assertThat(show("synchronous_commit")).isEqualTo("on");
        assertThat(show("full_page_writes")).isEqualTo("on");
        assertThat(jdbc.sql("select count(*) from pg_hba_file_rules where auth_method <> 'scram-sha-256'").query(Long.class).single())
                .isZero();
        Path password = home.home().resolve(PersistentPostgres.PASSWORD_FILE);
        assertThat(Files.getPosixFilePermissions(password)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    /** The cluster is 40 MB: not left in the temporary folder after every build. */
    static final class DeleteDataDirectory implements AfterAllCallback {

        @Override
        public void afterAll(ExtensionContext context) throws IOException {
            if (Files.exists(DIR)) {
                try (Stream<Path> files = Files.walk(DIR)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }
}
