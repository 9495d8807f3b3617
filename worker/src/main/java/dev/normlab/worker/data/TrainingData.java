package dev.normlab.worker.data;

import dev.normlab.api.spec.DataSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A run's data: the corpus tokenized (or its cached tokens), split into training and held-out
 * documents, packed into blocks of {@code seqLen + 1} tokens and served as batches.
 *
 * <pre>{@code
 * try (TrainingData data = TrainingData.open(spec.data(), Tokenizers.forId(spec.tokenizer()),
 *         spec.seqLen(), spec.batchSize(), spec.seed(), TrainingData.DEFAULT_CACHE_ROOT)) {
 *     NDList batch = data.train().next(stepManager);   // inputs, labels: INT64 (B, T)
 * }
 * }</pre>
 */
public final class TrainingData implements AutoCloseable {

    /** Token files of the built-in corpus, and of corpora in read-only folders. */
    public static final Path DEFAULT_CACHE_ROOT = Path.of(System.getProperty("user.home"), ".normlab", "cache");

    private final TokenFile tokens;
    private final boolean reusedCache;
    private final BatchSource train;
    private final BatchSource heldOut;

    private TrainingData(TokenFile tokens, boolean reusedCache, BatchSource train, BatchSource heldOut) {
        this.tokens = tokens;
        this.reusedCache = reusedCache;
        this.train = train;
        this.heldOut = heldOut;
    }

    /**
     * Tokenizes the corpus (or re-uses its cached tokens) and prepares both batch sources.
     *
     * @param cacheRoot where token files go when they cannot go next to the corpus; null for
     *     {@link #DEFAULT_CACHE_ROOT}
     * @throws IllegalArgumentException starting with {@code data.corpus: } for missing files, an empty glob,
     *     malformed JSONL or a corpus too small for one batch
     */
    public static TrainingData open(DataSpec data, Tokenizer tokenizer, int seqLen, int batchSize, long seed, Path cacheRoot) {
        return open(data, tokenizer, seqLen, batchSize, seed, cacheRoot, FileAccess.unrestricted());
    }

    /**
     * As {@link #open(DataSpec, Tokenizer, int, int, long, Path)}, reading only the files {@code access} allows.
     *
     * @throws IllegalArgumentException starting with {@code data.corpus: } also for a path out of the data root
     */
    public static TrainingData open(DataSpec data, Tokenizer tokenizer, int seqLen, int batchSize, long seed, Path cacheRoot,
            FileAccess access) {
        if (seqLen <= 0) {
            throw new IllegalArgumentException("seqLen: must be positive, got " + seqLen);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize: must be positive, got " + batchSize);
        }
        Corpus corpus = CorpusLocator.locate(data, access);
        HeldOutSplit split = new HeldOutSplit(data.heldOutFraction());
        TokenCache.Entry entry;
        try {
            entry = TokenCache.open(corpus, tokenizer, split, cacheRoot != null ? cacheRoot : DEFAULT_CACHE_ROOT);
        } catch (IOException e) {
            throw new UncheckedIOException("data.corpus: cannot tokenize " + corpus.describe() + ": " + e.getMessage(), e);
        }
        TokenFile file = entry.file();
        PackedBlocks trainBlocks = new PackedBlocks(file.train(), seqLen);
        PackedBlocks heldOutBlocks = new PackedBlocks(file.heldOut(), seqLen);
        if (trainBlocks.count() < batchSize) {
            throw new IllegalArgumentException("data.corpus: " + corpus.describe() + " is too small for one batch: its "
                    + file.header().trainTokens() + " training tokens make " + trainBlocks.count() + " blocks of seqLen + 1 = "
                    + (seqLen + 1) + " tokens, a batch needs " + batchSize);
        }
        if (heldOutBlocks.count() == 0) {
            throw new IllegalArgumentException("data.corpus: " + corpus.describe() + " leaves too little held-out text: "
                    + file.header().heldOutTokens() + " tokens in " + file.header().heldOutDocuments()
                    + " documents (heldOutFraction " + split.fraction() + "), one block needs seqLen + 1 = " + (seqLen + 1)
                    + "; add documents or raise data.heldOutFraction");
        }
        return new TrainingData(file, entry.reused(),
                new ShuffledBatches(trainBlocks, batchSize, seed), new SequentialBatches(heldOutBlocks, batchSize));
    }

    /** Shuffled training batches, a new order every epoch; resumable via position/seek. */
    public BatchSource train() {
        return train;
    }

    /** Held-out batches in a fixed order, wrapping around; seek(0) before each evaluation. */
    public BatchSource heldOut() {
        return heldOut;
    }

    public long trainTokens() {
        return tokens.header().trainTokens();
    }

    public long heldOutTokens() {
        return tokens.header().heldOutTokens();
    }

    public long trainDocuments() {
        return tokens.header().trainDocuments();
    }

    public long heldOutDocuments() {
        return tokens.header().heldOutDocuments();
    }

    /** The cached token file behind this data. */
    public Path tokenFile() {
        return tokens.path();
    }

    /** True when the tokens came from an existing cache file rather than a fresh tokenization. */
    public boolean reusedCache() {
        return reusedCache;
    }

    /** The token file stays mapped until garbage-collected; nothing else holds native resources. */
    @Override
    public void close() {
    }
}
