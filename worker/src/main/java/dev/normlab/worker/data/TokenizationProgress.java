package dev.normlab.worker.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs how far a long tokenization has got, at most every {@value #EVERY_SECONDS} seconds. */
final class TokenizationProgress {

    private static final Logger LOG = LoggerFactory.getLogger(TokenizationProgress.class);
    static final int EVERY_SECONDS = 10;

    private final Corpus corpus;
    private final TokenFileWriter writer;
    private final long size;
    private final long start = System.nanoTime();
    private long lastLog = start;
    private long characters;

    TokenizationProgress(Corpus corpus, TokenFileWriter writer) {
        this.corpus = corpus;
        this.writer = writer;
        this.size = corpus.approximateSize();
    }

    void documentDone(int documentCharacters) {
        characters += documentCharacters;
        long now = System.nanoTime();
        if (now - lastLog >= EVERY_SECONDS * 1_000_000_000L) {
            lastLog = now;
            // file sizes are bytes and we count chars: close enough for a progress line
            String share = size > 0 ? String.format(" (~%d%%)", Math.min(99, 100 * characters / size)) : "";
            LOG.info("tokenizing {}: {} characters read{}, {} tokens, {} s", corpus.label(), characters, share,
                    writer.tokensWritten(), (now - start) / 1_000_000_000L);
        }
    }

    double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }
}
