package dev.normlab.worker.data;

import java.io.IOException;
import java.nio.file.Path;

/** A source of documents: the built-in Europarl text, or text/JSONL files on disk. */
interface Corpus {

    /** Receives documents one at a time, so a corpus never has to fit in the heap. */
    @FunctionalInterface
    interface DocumentSink {
        void accept(String document) throws IOException;
    }

    /** For messages and logs, e.g. the path or glob. */
    String describe();

    /** A short, file-name-safe label for the cache file, e.g. {@code europarl}. */
    String label();

    /** Changes whenever the documents may have changed: paths, sizes, modification times, format. */
    String fingerprint() throws IOException;

    /** Characters to read, roughly, for progress logs; -1 when unknown. */
    long approximateSize();

    /** Where this corpus's token file lives: next to the files if that folder is writable, else under the cache root. */
    Path cacheDirectory(Path cacheRoot);

    /** Streams every document in a fixed order. */
    void forEachDocument(DocumentSink sink) throws IOException;
}
