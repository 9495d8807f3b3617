package dev.normlab.worker.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 bytes as ids 0..255, plus one special id (256) that separates documents. The cheapest
 * tokenizer on a CPU: the embedding and the output head have only 257 rows.
 */
public final class ByteTokenizer implements Tokenizer {

    public static final String ID = "byte";
    public static final int END_OF_TEXT = 256;
    private static final String END_OF_TEXT_TEXT = "<|endoftext|>";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int vocabSize() {
        return END_OF_TEXT + 1;
    }

    @Override
    public int endOfText() {
        return END_OF_TEXT;
    }

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = Byte.toUnsignedInt(bytes[i]);
        }
        return ids;
    }

    /** Bytes back to text; the end-of-text id reads as {@code <|endoftext|>}, broken UTF-8 as U+FFFD. */
    @Override
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder();
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id < 0 || id > END_OF_TEXT) {
                throw new IllegalArgumentException("tokenizer: id " + id + " is outside the byte vocabulary 0.." + END_OF_TEXT);
            }
            if (id == END_OF_TEXT) {
                text.append(run.toString(StandardCharsets.UTF_8)).append(END_OF_TEXT_TEXT);
                run.reset();
            } else {
                run.write(id);
            }
        }
        return text.append(run.toString(StandardCharsets.UTF_8)).toString();
    }
}
