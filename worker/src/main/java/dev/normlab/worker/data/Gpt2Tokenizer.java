package dev.normlab.worker.data;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/** GPT-2's byte-level BPE (r50k_base) via JTokkit, whose merge table ships in its jar: no network. */
public final class Gpt2Tokenizer implements Tokenizer {

    public static final String ID = "gpt2";
    /** {@code <|endoftext|>} in r50k_base, the last id of its 50,257. */
    public static final int END_OF_TEXT = 50_256;

    private final Encoding encoding = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

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

    /** Encodes {@code <|endoftext|>} inside a document as ordinary text, so documents cannot forge separators. */
    @Override
    public int[] encode(String text) {
        return encoding.encodeOrdinary(text).toArray();
    }

    @Override
    public String decode(int[] ids) {
        IntArrayList list = new IntArrayList(ids.length);
        for (int id : ids) {
            list.add(id);
        }
        return encoding.decode(list);
    }
}
