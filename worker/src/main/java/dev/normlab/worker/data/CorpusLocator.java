package dev.normlab.worker.data;

import dev.normlab.api.spec.DataSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Turns a {@link DataSpec}'s corpus (europarl, a file, or a glob) into a {@link Corpus}. */
final class CorpusLocator {

    private static final String GLOB_CHARACTERS = "*?[{";
    private static final String FIELD = "data.corpus";

    private CorpusLocator() {
    }

    static Corpus locate(DataSpec data, FileAccess access) {
        if (data.isEuroparl()) {
            return new EuroparlCorpus();
        }
        DocumentFormat format = DocumentFormat.of(data.format());
        String spec = data.corpus();
        Path literal = access.resolve(FIELD, spec);
        if (Files.isRegularFile(literal)) { // also when its name happens to contain [ or {
            return new FileCorpus(spec, List.of(access.checked(FIELD, literal)), format);
        }
        if (!isGlob(spec)) {
            if (Files.isDirectory(literal)) {
                throw new IllegalArgumentException("data.corpus: " + literal + " is a folder; give a file or a glob such as "
                        + literal.resolve("*.txt"));
            }
            throw new IllegalArgumentException("data.corpus: " + literal + " does not exist");
        }
        return new FileCorpus(spec, expand(spec, literal, access), format);
    }

    static boolean isGlob(String spec) {
        return spec.chars().anyMatch(c -> GLOB_CHARACTERS.indexOf(c) >= 0);
    }

    /**
     * The regular files matching {@code glob} (Java's glob syntax: {@code **} crosses folders, {@code *} does not),
     * sorted; token caches inside the tree are never matched. Each match is {@link FileAccess#checked}: a link out of
     * the data root fails the whole corpus.
     *
     * @param pattern the glob resolved by {@code access}
     */
    static List<Path> expand(String glob, Path pattern, FileAccess access) {
        Path folder = pattern.getRoot();
        int depth = 0;
        boolean inGlob = false;
        for (Path part : pattern) {
            if (!inGlob && isGlob(part.toString())) {
                inGlob = true;
            }
            if (inGlob) {
                depth++;
            } else {
                folder = folder.resolve(part);
            }
        }
        Path base = folder;
        if (!Files.isDirectory(base)) {
            throw new IllegalArgumentException("data.corpus: glob " + glob + ": folder " + base + " does not exist");
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        int maxDepth = pattern.toString().contains("**") ? Integer.MAX_VALUE : depth;
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(base, maxDepth)) {
            walk.filter(Files::isRegularFile)
                    .filter(matcher::matches)
                    .filter(path -> !insideCache(base.relativize(path)))
                    .sorted()
                    .forEach(path -> files.add(access.checked(FIELD, path)));
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("data.corpus: glob " + glob + ": cannot list " + base + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("data.corpus: glob " + glob + " matches no files");
        }
        return files;
    }

    private static boolean insideCache(Path relative) {
        for (Path part : relative) {
            if (part.toString().equals(FileCorpus.CACHE_FOLDER)) {
                return true;
            }
        }
        return false;
    }
}
