package dev.normlab.worker.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoint directories {@code <root>/step-000100/}. Each is written into a hidden temporary directory and
 * renamed when complete, so a crash never leaves a half-written checkpoint under a step name; only the newest
 * {@code keep} are kept, and the {@linkplain #pin pinned} one: the checkpoint a later attempt resumes from.
 */
final class CheckpointStore {

    /** Writes the files of one checkpoint into a directory. */
    @FunctionalInterface
    interface Writer {
        void writeTo(Path directory) throws IOException;
    }

    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");

    private final Path root;
    private final int keep;
    /** Never pruned: the newest checkpoint the backend knows (a re-claim resumes from it), or null. */
    private Path pinned;

    CheckpointStore(Path root, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1, got " + keep);
        }
        this.root = root;
        this.keep = keep;
    }

    /** Writes the checkpoint of {@code step} atomically, prunes old ones and returns its directory. */
    Path write(long step, Writer writer) {
        Path target = root.resolve(String.format("step-%06d", step));
        Path temp = root.resolve(".tmp-" + target.getFileName());
        try {
            Files.createDirectories(root);
            deleteRecursively(temp);
            Files.createDirectory(temp);
            writer.writeTo(temp);
            deleteRecursively(target); // a stop right after a scheduled checkpoint writes the same step again
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target);
            }
            prune();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("writing checkpoint " + target + " failed", e);
        }
    }

    /**
     * Keeps {@code directory} until another is pinned: newer checkpoints whose report did not get through (the backend
     * was down) must not prune the one a re-claimed attempt will be told to resume from.
     */
    void pin(Path directory) {
        pinned = directory == null ? null : directory.toAbsolutePath().normalize();
    }

    /** Complete checkpoints, oldest first. */
    List<Path> list() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory)
                    .filter(d -> STEP_DIR.matcher(d.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(CheckpointStore::stepOf))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<Path> latest() {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    private void prune() throws IOException {
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            if (!all.get(i).toAbsolutePath().normalize().equals(pinned)) {
                deleteRecursively(all.get(i));
            }
        }
    }

    private static long stepOf(Path dir) {
        Matcher m = STEP_DIR.matcher(dir.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
