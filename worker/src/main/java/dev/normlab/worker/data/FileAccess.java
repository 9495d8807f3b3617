package dev.normlab.worker.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which files a run spec may make the worker read ({@code data.corpus}, an {@code hf:} tokenizer). The {@code train}
 * CLI reads whatever its own user names ({@link #unrestricted()}); a node agent trains specs any team member wrote,
 * so it confines them to its data root ({@link #within}): relative paths are resolved against the root, and a path
 * outside it, a {@code ..} segment, or a file or folder that is a symbolic link out of it is refused, naming the
 * field, before the file is opened (and before telling whether it exists).
 */
public final class FileAccess {

    private final Path root;     // as given, absolute and normalized; null: unrestricted
    private final Path realRoot; // symbolic links resolved: what every real path must start with

    private FileAccess(Path root, Path realRoot) {
        this.root = root;
        this.realRoot = realRoot;
    }

    /** Any path, relative ones against the working directory: the {@code train} CLI. */
    public static FileAccess unrestricted() {
        return new FileAccess(null, null);
    }

    /**
     * Only files inside {@code root}, which must be an existing folder: the node agent.
     *
     * @throws IllegalArgumentException when {@code root} is not a folder
     */
    public static FileAccess within(Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new IllegalArgumentException("data root " + absolute + " is not a folder");
        }
        try {
            return new FileAccess(absolute, absolute.toRealPath());
        } catch (IOException e) {
            throw new UncheckedIOException("data root " + absolute + " cannot be resolved", e);
        }
    }

    /** The data root, empty when unrestricted. */
    public Optional<Path> root() {
        return Optional.ofNullable(root);
    }

    /**
     * A path as the spec's {@code field} names it (it may not exist, or be a glob), absolute and normalized.
     *
     * @throws IllegalArgumentException starting with {@code field} when it leads out of the data root
     */
    Path resolve(String field, String path) {
        Path named = Path.of(path);
        if (root == null) {
            return named.toAbsolutePath().normalize();
        }
        for (Path part : named) {
            if (part.toString().equals("..")) {
                throw new IllegalArgumentException(field + ": '..' is not allowed in a path on this worker: " + path);
            }
        }
        Path resolved = root.resolve(named).normalize(); // an absolute path stays itself
        if (!resolved.startsWith(root) && !resolved.startsWith(realRoot)) {
            throw outside(field, resolved);
        }
        // the deepest part that exists must really be inside: a folder linking out would lead anywhere below it
        Path existing = resolved;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null) {
            checked(field, existing);
        }
        return resolved;
    }

    /**
     * A file found from a resolved path (a glob's match, the {@code tokenizer.json} in a folder), as it is to be
     * read: with its symbolic links resolved when confined, so what is read is what was checked.
     *
     * @throws IllegalArgumentException starting with {@code field} when it is a link out of the data root
     */
    Path checked(String field, Path file) {
        if (root == null) {
            return file;
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException(field + ": " + file + " cannot be resolved: " + e.getMessage(), e);
        }
        if (!real.startsWith(realRoot)) {
            throw new IllegalArgumentException(field + ": " + file + " is a symbolic link out of this worker's data root "
                    + root + " (agent --data-root)");
        }
        return real;
    }

    private IllegalArgumentException outside(String field, Path path) {
        return new IllegalArgumentException(field + ": " + path + " is outside this worker's data root " + root
                + " (agent --data-root); name a file inside it, or a path relative to it");
    }
}
