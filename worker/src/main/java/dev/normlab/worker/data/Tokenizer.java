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

    int[] encode(String text);

    String decode(int[] ids);
}
