package dev.normlab.worker.data;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Tokenizes a corpus once and keeps the tokens in a {@link TokenFile}, re-used for as long as the
 * corpus files, the tokenizer and the held-out fraction are unchanged (they make up the file's name).
 */
final class TokenCache {

    private static final System.Logger LOG = System.getLogger(TokenCache.class.getName());
    private static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;

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
                LOG.log(Level.DEBUG, "re-using tokens of {0} in {1}", corpus.describe(), file);
                return new Entry(cached, true);
            }
            LOG.log(Level.WARNING, "token file {0} is incomplete or of an older format; tokenizing again", file);
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
        long size = corpus.approximateSize();
        LOG.log(Level.INFO, "tokenizing {0} with {1} into {2}", corpus.describe(), tokenizer.id(), file);
        long start = System.nanoTime();
        long[] chars = {0};
        long[] lastLog = {start};
        try (TokenFileWriter writer = new TokenFileWriter(file, bytesPerToken)) {
            corpus.forEachDocument(document -> {
                writer.addDocument(split.isHeldOut(document), tokenizer.encode(document), tokenizer.endOfText());
                chars[0] += document.length();
                long now = System.nanoTime();
                if (now - lastLog[0] > PROGRESS_EVERY_NANOS) {
                    lastLog[0] = now;
                    String done = size > 0 ? String.format(" (~%d%%)", Math.min(100, 100 * chars[0] / size)) : "";
                    LOG.log(Level.INFO, "tokenizing {0}: {1} characters read{2}, {3} tokens, {4} s",
                            corpus.label(), chars[0], done, writer.tokensWritten(), (now - start) / 1_000_000_000L);
                }
            });
            TokenFile.Header header = writer.commit();
            LOG.log(Level.INFO, "tokenized {0}: {1} training tokens in {2} documents, {3} held-out tokens in {4} documents, {5} ms",
                    corpus.describe(), header.trainTokens(), header.trainDocuments(), header.heldOutTokens(),
                    header.heldOutDocuments(), (System.nanoTime() - start) / 1_000_000L);
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
