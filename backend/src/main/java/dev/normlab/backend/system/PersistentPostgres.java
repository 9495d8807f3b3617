package dev.normlab.backend.system;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL on the user's persistent data directory, set up for data that must survive:
 * <ul>
 * <li><b>durable</b>: {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on. The library starts
 * every server with {@code -F} (fsync off) and {@code synchronous_commit=off}, test settings that lose acknowledged
 * commits on a power cut; its {@code -c} options come after {@code -F} on the command line, so ours win.</li>
 * <li><b>password-protected</b>: {@code scram-sha-256} for every connection with a generated password in
 * {@code <normlab.home>/postgres-password} (mode 600), instead of the library's {@code initdb -A trust}. A cluster
 * created before (trust, no password) gets the password in single-user mode on its next start.</li>
 * <li><b>restartable after a crash</b>: a postmaster left running on the directory by a backend that was killed
 * ({@code kill -9}) is stopped (fast shutdown) before the new one starts; a directory whose backend is alive is
 * refused. PostgreSQL's own {@code postmaster.pid} keeps two servers off one directory.</li>
 * </ul>
 */
final class PersistentPostgres {

    private static final Logger log = LoggerFactory.getLogger(PersistentPostgres.class);

    static final String PASSWORD_FILE = "postgres-password";
    static final String SUPERUSER = "postgres";
    /** The library's lock file in the data directory: held by the JVM whose server runs on it. */
    private static final String LIBRARY_LOCK = "epg-lock";
    /** Crash recovery with fsync on can take a while on a slow disk; the library's default is 10 s. */
    private static final Duration STARTUP_WAIT = Duration.ofMinutes(2);
    private static final long STOP_SECONDS = 60;
    private static final String HBA = """
            # Written by NormLab on every start: every connection needs the password in <normlab.home>/postgres-password.
            # TYPE  DATABASE  USER  ADDRESS       METHOD
            local   all       all                 scram-sha-256
            host    all       all   127.0.0.1/32  scram-sha-256
            host    all       all   ::1/128       scram-sha-256
            """;

    private final Path dataDir;
    private final Path passwordFile;

    /**
     * @param dataDir the cluster's directory (created when missing)
     * @param passwordFile where the superuser's password is kept (created, mode 600, when missing)
     */
    PersistentPostgres(Path dataDir, Path passwordFile) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.passwordFile = passwordFile.toAbsolutePath().normalize();
    }

    /** Prepares the directory (orphan, password, pg_hba.conf) and starts the server; {@code port} 0 = a free one. */
    EmbeddedPostgres start(int port) throws IOException {
        Files.createDirectories(dataDir);
        requireNoLiveBackend();
        PostgresBinaries binaries = PostgresBinaries.embedded();
        stopOrphanedPostmaster(binaries);
        boolean newPassword = !Files.exists(passwordFile) || Files.readString(passwordFile, StandardCharsets.UTF_8).isBlank();
        String password = newPassword ? createPassword() : Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        if (!Files.exists(dataDir.resolve("postgresql.conf"))) {
            initdb(binaries);
        } else if (newPassword || trustsAnyone()) {
            setPassword(binaries, password);
        }
        Files.writeString(dataDir.resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8);
        return EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false) // the Spring context closes it, after everything that uses it
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("listen_addresses", "localhost")
                // the library's readiness probe logs in as the superuser: with the password now
                .setConnectConfig("password", password)
                .setPGStartupWait(STARTUP_WAIT)
                .start();
    }

    /** The superuser's password (after {@link #start}). */
    String password() {
        try {
            return Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + passwordFile, e);
        }
    }

    /** A live backend holds the library's lock on the directory: its server must not be touched. */
    private void requireNoLiveBackend() throws IOException {
        Path lockFile = dataDir.resolve(LIBRARY_LOCK);
        if (!Files.exists(lockFile)) {
            return; // never started (and initdb wants an empty directory)
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("another NormLab backend is running on the database in " + dataDir
                        + " (it holds " + lockFile + "): stop it first, or give this one another normlab.home");
            }
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException("this JVM already runs a database in " + dataDir, e);
        }
    }

    /**
     * A backend killed with SIGKILL leaves its PostgreSQL running (it is a daemon of pg_ctl, not a child that dies
     * with the JVM), and its {@code postmaster.pid} blocks the next start. Stop it when it really is a postmaster on
     * this directory; drop the lock file when its PID now belongs to something else.
     */
    private void stopOrphanedPostmaster(PostgresBinaries binaries) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        Optional<Long> pid = postmasterPid(pidFile);
        if (pid.isEmpty()) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return; // PostgreSQL itself replaces a lock file whose process is gone
        }
        switch (classify(process.get())) {
            case UNKNOWN -> throw new IllegalStateException("cannot tell whether process " + pid.get() + " named in " + pidFile
                    + " is a PostgreSQL on that directory: stop it, or delete the file if it is not");
            case OTHER -> {
                log.warn("{} names process {}, which is not a PostgreSQL on {}: removing the stale lock file", pidFile,
                        pid.get(), dataDir);
                Files.deleteIfExists(pidFile);
            }
            case ORPHAN -> stop(binaries, process.get());
        }
    }

    private void stop(PostgresBinaries binaries, ProcessHandle postmaster) throws IOException {
        log.warn("A PostgreSQL (pid {}) was left running on {} by a backend that is gone: stopping it before starting",
                postmaster.pid(), dataDir);
        PostgresBinaries.Result stop = binaries.run("pg_ctl",
                List.of("stop", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", Long.toString(STOP_SECONDS)), null,
                STOP_SECONDS + 10);
        if (!stop.ok()) {
            log.warn("pg_ctl stop failed ({}), sending SIGTERM to {}: {}", stop.exitCode(), postmaster.pid(), stop.output().strip());
            postmaster.destroy();
        }
        try {
            postmaster.onExit().get(STOP_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the PostgreSQL left running on " + dataDir + " (pid " + postmaster.pid()
                    + ") did not stop within " + STOP_SECONDS + " s", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for PostgreSQL " + postmaster.pid() + " to stop", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping PostgreSQL " + postmaster.pid(), e);
        }
        log.info("Stopped the PostgreSQL left running on {}", dataDir);
    }

    enum Owner { ORPHAN, OTHER, UNKNOWN }

    /**
     * Whether a live process is a postmaster on this directory: its program is {@code postgres} and its working
     * directory (a postmaster changes into its data directory) or its {@code -D} argument is this directory.
     */
    Owner classify(ProcessHandle process) {
        Optional<String> command = process.info().command();
        if (command.isEmpty()) {
            // a postmaster on our directory runs as our user, whose processes we can always inspect
            return process.info().user().isPresent() && !process.info().user().get().equals(System.getProperty("user.name"))
                    ? Owner.OTHER : Owner.UNKNOWN;
        }
        String program = Path.of(command.get()).getFileName().toString();
        if (!program.equals("postgres") && !program.equals("postgres.exe")) {
            return Owner.OTHER;
        }
        Path cwd = Path.of("/proc", Long.toString(process.pid()), "cwd");
        if (Files.exists(cwd)) {
            try {
                return cwd.toRealPath().equals(dataDir.toRealPath()) ? Owner.ORPHAN : Owner.OTHER;
            } catch (IOException e) {
                // fall through to the arguments
            }
        }
        Optional<String[]> args = process.info().arguments();
        if (args.isEmpty()) {
            return Owner.UNKNOWN;
        }
        String[] a = args.get();
        for (int i = 0; i + 1 < a.length; i++) {
            if (a[i].equals("-D") && Path.of(a[i + 1]).toAbsolutePath().normalize().equals(dataDir)) {
                return Owner.ORPHAN;
            }
        }
        return Owner.OTHER;
    }

    private static Optional<Long> postmasterPid(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).strip().matches("-?\\d{1,10}")) {
            return Optional.empty();
        }
        // a single-user backend writes its PID negated
        return Optional.of(Math.abs(Long.parseLong(lines.get(0).strip())));
    }

    private void initdb(PostgresBinaries binaries) throws IOException {
        log.info("Creating the database cluster in {} (superuser password in {})", dataDir, passwordFile);
        PostgresBinaries.Result result = binaries.run("initdb", List.of("-A", "scram-sha-256", "-U", SUPERUSER,
                "--pwfile=" + passwordFile, "-D", dataDir.toString(), "-E", "UTF-8"), null, 300);
        if (!result.ok()) {
            throw new IllegalStateException("initdb failed in " + dataDir + ":\n" + result.output());
        }
    }

    /** Gives the superuser the password, in single-user mode (no server, no connection, no trust window). */
    private void setPassword(PostgresBinaries binaries, String password) throws IOException {
        log.info("Setting the superuser password of the database in {} (kept in {})", dataDir, passwordFile);
        // the password is base64url: no quote to escape
        PostgresBinaries.Result result = binaries.run("postgres",
                List.of("--single", "-D", dataDir.toString(), "-c", "exit_on_error=true", SUPERUSER),
                "ALTER ROLE " + SUPERUSER + " PASSWORD '" + password + "';\n", 300);
        if (!result.ok()) {
            // an error echoes the statement: never the password into the log
            throw new IllegalStateException("could not set the password of the database in " + dataDir + ":\n"
                    + result.output().replace(password, "<password>"));
        }
    }

    /** True when pg_hba.conf lets anyone in without a password (a cluster created before passwords). */
    private boolean trustsAnyone() throws IOException {
        Path hba = dataDir.resolve("pg_hba.conf");
        return !Files.exists(hba) || Files.readAllLines(hba, StandardCharsets.UTF_8).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .anyMatch(line -> line.matches(".*\\strust(\\s.*)?$"));
    }

    private String createPassword() throws IOException {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Files.createDirectories(passwordFile.getParent());
        Files.deleteIfExists(passwordFile);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(passwordFile);
        }
        Files.writeString(passwordFile, password + System.lineSeparator(), StandardCharsets.UTF_8);
        return password;
    }
}
