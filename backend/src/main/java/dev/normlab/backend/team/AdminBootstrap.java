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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * First start on an empty database: an admin user in team "default" with project "default", one user token
 * and one worker token, so the dashboard, the CLI and a local worker work at once. The tokens are printed once
 * and written to {@code <normlab.home>/admin-token} and {@code worker-token} (mode 600).
 */
@Component
class AdminBootstrap implements ApplicationRunner {

    static final String DEFAULT_NAME = "default";
    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    /** Serializes the check-then-create of several replicas starting at once. */
    private static final long BOOTSTRAP_LOCK = 0x4E4C_0001L;

    private final TeamService teams;
    private final TeamRepository repository;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final NormLabHome home;

    AdminBootstrap(TeamService teams, TeamRepository repository, JdbcClient jdbc, TransactionTemplate transaction, NormLabHome home) {
        this.teams = teams;
        this.repository = repository;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.home = home;
    }

    record Tokens(TokenSecret user, TokenSecret worker) {
    }

    @Override
    public void run(ApplicationArguments args) {
        createIfEmpty().ifPresent(tokens -> {
            Path adminFile = writePrivate("admin-token", tokens.user().value());
            Path workerFile = writePrivate("worker-token", tokens.worker().value());
            log.info("First start: created user 'admin', team and project '{}'. Admin token (shown once, also in {}): {}",
                    DEFAULT_NAME, adminFile, tokens.user().value());
            log.info("Worker token written to {}", workerFile);
        });
    }

    Optional<Tokens> createIfEmpty() {
        return transaction.execute(status -> {
            jdbc.sql("select pg_advisory_xact_lock(?)").param(BOOTSTRAP_LOCK).query(Object.class).single();
            if (repository.anyUser()) {
                return Optional.<Tokens>empty();
            }
            TeamService.NewMember admin = teams.createTeamWithMember(DEFAULT_NAME, "admin");
            teams.createProject(admin.teamId(), DEFAULT_NAME);
            TokenSecret worker = teams.issueToken(Caller.Kind.WORKER, null, "local worker (initial)");
            return Optional.of(new Tokens(admin.token(), worker));
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
