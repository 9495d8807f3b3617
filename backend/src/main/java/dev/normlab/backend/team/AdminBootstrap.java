package dev.normlab.backend.team;

import dev.normlab.backend.system.NormLabHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * First start on an empty database: platform admin {@code admin} (owner of team "default" with project
 * "default"), one user token and one platform worker token, so the dashboard, the CLI and a local worker work at
 * once. The secrets go to {@code <normlab.home>/admin-password}, {@code admin-token} and {@code worker-token}
 * (mode 600) and never into the log. {@code NORMLAB_ADMIN_PASSWORD} sets the admin's password instead of a
 * generated one (and then no password file is written).
 */
@Component
class AdminBootstrap implements ApplicationRunner {

    static final String DEFAULT_NAME = "default";
    static final String ADMIN_PASSWORD_ENV = "NORMLAB_ADMIN_PASSWORD";
    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    /** Serializes the check-then-create of several replicas starting at once. */
    private static final long BOOTSTRAP_LOCK = 0x4E4C_0001L;

    private final TeamService teams;
    private final UserRepository users;
    private final Passwords passwords;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final NormLabHome home;
    private final Environment environment;

    AdminBootstrap(TeamService teams, UserRepository users, Passwords passwords, JdbcClient jdbc,
            TransactionTemplate transaction, NormLabHome home, Environment environment) {
        this.teams = teams;
        this.users = users;
        this.passwords = passwords;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.home = home;
        this.environment = environment;
    }

    record Secrets(TokenSecret user, TokenSecret worker, String generatedPassword) {
    }

    @Override
    public void run(ApplicationArguments args) {
        String given = environment.getProperty(ADMIN_PASSWORD_ENV);
        createIfEmpty(given == null || given.isBlank() ? null : given).ifPresent(secrets -> {
            writePrivate("admin-token", secrets.user().value());
            writePrivate("worker-token", secrets.worker().value());
            String passwordNote = ADMIN_PASSWORD_ENV + " as given";
            if (secrets.generatedPassword() != null) {
                passwordNote = "in " + writePrivate("admin-password", secrets.generatedPassword());
            }
            log.info("First start: created platform admin 'admin' (password {}), team and project '{}'; "
                    + "the admin's API token is in {}, a worker token in {}", passwordNote, DEFAULT_NAME,
                    home.home().resolve("admin-token"), home.home().resolve("worker-token"));
        });
    }

    /** @param password the admin's password, or null to generate one */
    Optional<Secrets> createIfEmpty(String password) {
        return transaction.execute(status -> {
            jdbc.sql("select pg_advisory_xact_lock(?)").param(BOOTSTRAP_LOCK).query(Object.class).single();
            if (users.count() > 0) {
                return Optional.<Secrets>empty();
            }
            String generated = password == null ? Passwords.generate() : null;
            TeamService.NewMember admin = teams.createTeamWithMember(DEFAULT_NAME, "admin");
            UserAccount user = users.findById(admin.userId()).orElseThrow();
            user.setPasswordHash(passwords.hash(ADMIN_PASSWORD_ENV, password == null ? generated : password));
            user.setAdmin(true);
            teams.createProject(admin.teamId(), DEFAULT_NAME);
            TokenSecret worker = teams.issueToken(Caller.Kind.WORKER, admin.userId(), null, "local worker (initial)");
            return Optional.of(new Secrets(admin.token(), worker, generated));
        });
    }

    private Path writePrivate(String name, String content) {
        try {
            Path dir = home.home();
            Files.createDirectories(dir);
            Path file = dir.resolve(name);
            Files.deleteIfExists(file);
            // created 600 from the start, so the secret is never readable by others
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content + System.lineSeparator());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + name + " under " + home.home(), e);
        }
    }
}
