package dev.normlab.worker.data;

/**
 * Text to token ids and back. Implementations: {@code byte} (vocab 256 + end-of-text),
 * {@code gpt2} (JTokkit r50k_base, offline) and {@code hf:<tokenizer.json>} (DJL HuggingFace tokenizers).
 */
public interface Tokenizer {

    /** The spec's name for this tokenizer, e.g. {@code byte}, {@code gpt2}, {@code hf:/data/tokenizer.json}. */
    String id();

    /** Number of ids the model must embed, specials included. */
    int vocabSize();

    /** The id joined between documents. */
    int endOfText();

    /** Token ids of {@code text}, without any special tokens. */
    int[] encode(String text);

    String decode(int[] ids);

    /**
     * What cached token files are keyed on besides the corpus: two tokenizers with the same key must
     * produce the same ids. Tokenizers loaded from a file add the file's size and modification time.
     */
    default String cacheKey() {
        return id() + "|" + vocabSize() + "|" + endOfText();
    }
}
