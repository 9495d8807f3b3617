package dev.normlab.worker.data;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Any HuggingFace {@code tokenizer.json}, run by DJL's native binding of the {@code tokenizers} library
 * (shipped in its jar: no network). The binding does not expose the vocabulary size or the special
 * tokens, so those are read from the JSON file itself.
 */
public final class HuggingFaceTokenizerFile implements Tokenizer {

    public static final String PREFIX = "hf:";
    /** Separator candidates, most specific first; otherwise the first special token is used. */
    private static final List<String> END_OF_TEXT_NAMES =
            List.of("<|endoftext|>", "<|end_of_text|>", "</s>", "<eos>", "<|eot_id|>", "<|im_end|>", "[SEP]");

    /** DJL truncates to the model's maximum length (512 if unknown) by default; documents must stay whole. */
    private static final Map<String, String> WHOLE_DOCUMENTS = Map.of("truncation", "false", "padding", "false");

    private final String id;
    private final Path file;
    private final int vocabSize;
    private final int endOfText;
    private final HuggingFaceTokenizer tokenizer;

    private HuggingFaceTokenizerFile(String id, Path file, int vocabSize, int endOfText, HuggingFaceTokenizer tokenizer) {
        this.id = id;
        this.file = file;
        this.vocabSize = vocabSize;
        this.endOfText = endOfText;
        this.tokenizer = tokenizer;
    }

    /** @param location a {@code tokenizer.json} or a folder holding one, read where {@code access} allows */
    static HuggingFaceTokenizerFile load(String location, FileAccess access) {
        Path path = access.resolve("tokenizer", location);
        Path named = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(named)) {
            throw new IllegalArgumentException("tokenizer: hf file " + named + " does not exist");
        }
        Path file = access.checked("tokenizer", named);
        JsonNode json;
        try {
            json = JsonMapper.builder().build().readTree(file.toFile());
        } catch (JacksonException e) {
            throw new IllegalArgumentException("tokenizer: " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        int vocabSize = vocabSize(json, file);
        int endOfText = endOfText(json, file);
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(file, WHOLE_DOCUMENTS);
            return new HuggingFaceTokenizerFile(PREFIX + location, file, vocabSize, endOfText, tokenizer);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("tokenizer: " + file + " is not a tokenizer.json the tokenizers library accepts: " + e.getMessage(), e);
        }
    }

    /** One more than the largest id of the model's vocabulary and the added tokens. */
    private static int vocabSize(JsonNode json, Path file) {
        int maxId = -1;
        JsonNode vocab = json.path("model").path("vocab");
        if (vocab.isObject()) { // BPE, WordPiece, WordLevel: {"token": id}
            for (Map.Entry<String, JsonNode> entry : vocab.properties()) {
                maxId = Math.max(maxId, entry.getValue().intValue());
            }
        } else if (vocab.isArray()) { // Unigram: [[token, score], ...], the id is the index
            maxId = vocab.size() - 1;
        }
        for (JsonNode added : json.path("added_tokens")) {
            maxId = Math.max(maxId, added.path("id").intValue());
        }
        if (maxId < 0) {
            throw new IllegalArgumentException("tokenizer: " + file + " has no model.vocab or added_tokens");
        }
        return maxId + 1;
    }

    private static int endOfText(JsonNode json, Path file) {
        Integer firstSpecial = null;
        for (String name : END_OF_TEXT_NAMES) {
            for (JsonNode added : json.path("added_tokens")) {
                boolean special = added.path("special").asBoolean(false);
                if (special && name.equals(added.path("content").asString())) {
                    return added.path("id").intValue();
                }
                if (special && firstSpecial == null) {
                    firstSpecial = added.path("id").intValue();
                }
            }
        }
        if (firstSpecial == null) {
            throw new IllegalArgumentException("tokenizer: " + file
                    + " declares no special token (added_tokens with special=true) to separate documents, e.g. <|endoftext|>");
        }
        return firstSpecial;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int endOfText() {
        return endOfText;
    }

    /** The file's size and modification time too: editing the tokenizer.json invalidates cached tokens. */
    @Override
    public String cacheKey() {
        try {
            return Tokenizer.super.cacheKey() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new IllegalArgumentException("tokenizer: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** No special tokens are added: documents are separated by {@link #endOfText()} when packed. */
    @Override
    public int[] encode(String text) {
        long[] ids = tokenizer.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return tokenizer.decode(wide, false);
    }
}
