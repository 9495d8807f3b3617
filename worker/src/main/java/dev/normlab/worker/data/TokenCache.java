package dev.normlab.worker.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokenizes a corpus once and keeps the tokens in a {@link TokenFile}, re-used for as long as the
 * corpus files, the tokenizer and the held-out fraction are unchanged (they make up the file's name).
 */
final class TokenCache {

    private static final Logger LOG = LoggerFactory.getLogger(TokenCache.class);

    /** The opened token file and whether it was already there. */
    record Entry(TokenFile file, boolean reused) {
    }

    private TokenCache() {
    }

    static Entry open(Corpus corpus, Tokenizer tokenizer, HeldOutSplit split, Path cacheRoot) throws IOException {
        Path file = corpus.cacheDirectory(cacheRoot).resolve(fileName(corpus, tokenizer, split));
        if (Files.isRegularFile(file)) {
            TokenFile cached = TokenFile.openIfValid(file);
            if (cached != null) {
                LOG.debug("re-using tokens of {} in {}", corpus.describe(), file);
                return new Entry(cached, true);
            }
            LOG.warn("token file {} is incomplete or of an older format; tokenizing again", file);
        }
        tokenize(corpus, tokenizer, split, file);
        TokenFile built = TokenFile.openIfValid(file);
        if (built == null) {
            throw new IOException("token file " + file + " was written but does not read back");
        }
        return new Entry(built, false);
    }

    /** {@code <corpus>.<tokenizer>.<key>.tokens}, the key a hash of everything the tokens depend on. */
    static String fileName(Corpus corpus, Tokenizer tokenizer, HeldOutSplit split) throws IOException {
        String key = "format " + TokenFile.FORMAT_VERSION + "\ncorpus " + corpus.fingerprint()
                + "\ntokenizer " + tokenizer.cacheKey() + "\nheldOut " + split.fraction();
        String tokenizerLabel = tokenizer.id().startsWith(HuggingFaceTokenizerFile.PREFIX) ? "hf" : tokenizer.id();
        return corpus.label() + "." + tokenizerLabel + "." + sha256(key).substring(0, 20) + ".tokens";
    }

    private static void tokenize(Corpus corpus, Tokenizer tokenizer, HeldOutSplit split, Path file) throws IOException {
        int bytesPerToken = tokenizer.vocabSize() <= 1 << 16 ? 2 : 4;
        LOG.info("tokenizing {} with {} into {}", corpus.describe(), tokenizer.id(), file);
        try (TokenFileWriter writer = new TokenFileWriter(file, bytesPerToken)) {
            TokenizationProgress progress = new TokenizationProgress(corpus, writer);
            corpus.forEachDocument(document -> {
                writer.addDocument(split.isHeldOut(document), tokenizer.encode(document), tokenizer.endOfText());
                progress.documentDone(document.length());
            });
            TokenFile.Header header = writer.commit();
            LOG.info("tokenized {}: {} training tokens in {} documents, {} held-out tokens in {} documents, {} s",
                    corpus.describe(), header.trainTokens(), header.trainDocuments(), header.heldOutTokens(),
                    header.heldOutDocuments(), String.format("%.1f", progress.elapsedSeconds()));
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
