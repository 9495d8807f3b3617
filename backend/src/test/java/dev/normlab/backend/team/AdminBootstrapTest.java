package dev.normlab.backend.team;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.system.NormLabHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;

@SpringBootTest
@AutoConfigureMockMvc
class AdminBootstrapTest {

    @Autowired
    NormLabHome home;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    AdminBootstrap bootstrap;
    @Autowired
    dev.normlab.backend.support.Fixtures fixtures;

    @Test
    void firstStartWritesBothTokensOwnerOnlyAndTheyAuthenticateAsAdminAndWorker() throws Exception {
        Path admin = home.home().resolve("admin-token");
        Path worker = home.home().resolve("worker-token");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(admin))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(worker))).isEqualTo("rw-------");
        Caller adminCaller = fixtures.caller("Bearer " + Files.readString(admin).trim());
        assertThat(adminCaller.kind()).isEqualTo(Caller.Kind.USER);
        assertThat(adminCaller.teamIds()).hasSize(1);
        assertThat(fixtures.caller("Bearer " + Files.readString(worker).trim()).isWorker()).isTrue();
        assertThat(jdbc.sql("select count(*) from projects p join teams t on t.id = p.team_id "
                + "where t.name = 'default' and p.name = 'default'").query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void tokensAreStoredOnlyAsTheirHash() throws Exception {
        String secret = Files.readString(home.home().resolve("admin-token")).trim();
        assertThat(jdbc.sql("select count(*) from api_tokens where token_hash = ?").param(secret).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from api_tokens where token_hash = ?").param(TokenSecret.hash(secret))
                .query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aSecondStartOnTheSameDatabaseCreatesNothing() {
        long users = jdbc.sql("select count(*) from users").query(Long.class).single();
        assertThat(bootstrap.createIfEmpty(null)).isEmpty();
        assertThat(jdbc.sql("select count(*) from users").query(Long.class).single()).isEqualTo(users);
    }
}
