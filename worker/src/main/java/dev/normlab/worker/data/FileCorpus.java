package dev.normlab.worker.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Text or JSONL files on disk, read in the given (sorted) order. */
final class FileCorpus implements Corpus {

    /** Name of the folder, next to the corpus files, that holds their token files. */
    static final String CACHE_FOLDER = ".normlab-cache";

    private final String spec;
    private final List<Path> files;
    private final DocumentFormat format;

    FileCorpus(String spec, List<Path> files, DocumentFormat format) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("data.corpus: " + spec + " names no files");
        }
        this.spec = spec;
        this.files = List.copyOf(files);
        this.format = format;
    }

    List<Path> files() {
        return files;
    }

    @Override
    public String describe() {
        return files.size() == 1 ? files.get(0).toString() : spec + " (" + files.size() + " files)";
    }

    @Override
    public String label() {
        String name = files.get(0).getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        return files.size() == 1 ? name : name + "+" + (files.size() - 1);
    }

    @Override
    public String fingerprint() throws IOException {
        StringBuilder key = new StringBuilder(format.name());
        for (Path file : files) {
            key.append('|').append(file).append('|').append(Files.size(file))
                    .append('|').append(Files.getLastModifiedTime(file).toMillis());
        }
        return key.toString();
    }

    @Override
    public long approximateSize() {
        long bytes = 0;
        for (Path file : files) {
            try {
                bytes += Files.size(file);
            } catch (IOException e) {
                return -1;
            }
        }
        return bytes;
    }

    /** The token cache folder next to the first file, when it can be created there. */
    @Override
    public Path cacheDirectory(Path cacheRoot) {
        Path folder = files.get(0).getParent();
        if (folder != null && Files.isWritable(folder)) {
            try {
                return Files.createDirectories(folder.resolve(CACHE_FOLDER));
            } catch (IOException e) {
                // e.g. a file of that name, or a read-only mount: fall through to the cache root
            }
        }
        return cacheRoot.resolve("files");
    }

    @Override
    public void forEachDocument(DocumentSink sink) throws IOException {
        for (Path file : files) {
            format.forEachDocument(file, sink);
        }
    }
}
