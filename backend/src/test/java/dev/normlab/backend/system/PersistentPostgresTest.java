package dev.normlab.backend.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL on a persistent directory: durable, password-protected, started on old clusters too. */
class PersistentPostgresTest {

    @TempDir
    Path home;

    private static String show(Connection connection, String setting) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("show " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Connection connect(EmbeddedPostgres postgres, String password) throws SQLException {
        return DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", password);
    }

    @Test
    void aPersistentClusterIsDurableAndNeedsTheGeneratedPassword() throws Exception {
        Path passwordFile = home.resolve(PersistentPostgres.PASSWORD_FILE);
        PersistentPostgres persistent = new PersistentPostgres(home.resolve("postgres"), passwordFile);

        try (EmbeddedPostgres postgres = persistent.start(0)) {
            assertThat(Files.getPosixFilePermissions(passwordFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(persistent.password()).hasSizeGreaterThanOrEqualTo(32);
            try (Connection c = connect(postgres, persistent.password())) {
                assertThat(show(c, "fsync")).isEqualTo("on");
                assertThat(show(c, "synchronous_commit")).isEqualTo("on");
                assertThat(show(c, "full_page_writes")).isEqualTo("on");
                assertThat(show(c, "password_encryption")).isEqualTo("scram-sha-256");
            }
            assertThatThrownBy(() -> connect(postgres, null).close()).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connect(postgres, "guess").close()).isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
        }
        // the next start of the same cluster keeps the password
        String password = persistent.password();
        try (EmbeddedPostgres postgres = persistent.start(0); Connection c = connect(postgres, password)) {
            assertThat(show(c, "fsync")).isEqualTo("on");
        }
    }

    @Test
    void aClusterCreatedWithoutAPasswordGetsOneOnItsNextStart() throws Exception {
        Path dataDir = home.resolve("postgres");
        // as the backend made them before: the library's initdb -A trust
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).start();
                Connection c = connect(old, null); Statement s = c.createStatement()) {
            s.execute("create table kept (id int)");
            s.execute("insert into kept values (7)");
        }

        PersistentPostgres persistent = new PersistentPostgres(dataDir, home.resolve(PersistentPostgres.PASSWORD_FILE));
        try (EmbeddedPostgres postgres = persistent.start(0)) {
            assertThatThrownBy(() -> connect(postgres, null).close()).isInstanceOf(SQLException.class);
            try (Connection c = connect(postgres, persistent.password()); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select id from kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(7);
            }
        }
    }

    @Test
    void aDirectoryWhoseBackendIsAliveIsRefusedAndItsServerLeftRunning() throws Exception {
        PersistentPostgres persistent = new PersistentPostgres(home.resolve("postgres"), home.resolve(PersistentPostgres.PASSWORD_FILE));
        try (EmbeddedPostgres running = persistent.start(0)) {
            assertThatThrownBy(() -> new PersistentPostgres(home.resolve("postgres"), home.resolve(PersistentPostgres.PASSWORD_FILE))
                    .start(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("already runs a database");
            try (Connection c = connect(running, persistent.password())) {
                assertThat(show(c, "fsync")).isEqualTo("on");
            }
        }
    }

    @Test
    void aLockFileNamingALiveProcessThatIsNoPostgresIsStale() throws Exception {
        Path dataDir = home.resolve("postgres");
        PersistentPostgres persistent = new PersistentPostgres(dataDir, home.resolve(PersistentPostgres.PASSWORD_FILE));
        persistent.start(0).close();
        // as after a reboot: the PID in the lock file now belongs to another program (this JVM)
        Files.writeString(dataDir.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + dataDir + "\n");

        try (EmbeddedPostgres postgres = persistent.start(0); Connection c = connect(postgres, persistent.password())) {
            assertThat(show(c, "fsync")).isEqualTo("on");
        }
    }
}
