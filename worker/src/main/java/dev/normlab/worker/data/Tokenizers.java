package dev.normlab.worker.data;

/** Resolves a run spec's {@code tokenizer} field. */
public final class Tokenizers {

    private Tokenizers() {
    }

    /**
     * @param id {@code byte}, {@code gpt2} or {@code hf:<path to tokenizer.json or its folder>}
     * @throws IllegalArgumentException starting with {@code tokenizer: } for an unknown id or an unreadable hf file
     */
    public static Tokenizer forId(String id) {
        return forId(id, FileAccess.unrestricted());
    }

    /**
     * As {@link #forId(String)}, an {@code hf:} file read only where {@code access} allows.
     *
     * @throws IllegalArgumentException starting with {@code tokenizer: } also for a path out of the data root
     */
    public static Tokenizer forId(String id, FileAccess access) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("tokenizer: missing; use byte, gpt2 or hf:<path to tokenizer.json>");
        }
        if (id.equals(ByteTokenizer.ID)) {
            return new ByteTokenizer();
        }
        if (id.equals(Gpt2Tokenizer.ID)) {
            return new Gpt2Tokenizer();
        }
        if (id.startsWith(HuggingFaceTokenizerFile.PREFIX)) {
            String location = id.substring(HuggingFaceTokenizerFile.PREFIX.length());
            if (location.isBlank()) {
                throw new IllegalArgumentException("tokenizer: 'hf:' needs a path, e.g. hf:/data/tokenizer.json");
            }
            return HuggingFaceTokenizerFile.load(location, access);
        }
        throw new IllegalArgumentException("tokenizer: unknown '" + id + "'; use byte, gpt2 or hf:<path to tokenizer.json>");
    }
}
