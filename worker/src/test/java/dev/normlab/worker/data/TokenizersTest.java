package dev.normlab.worker.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {

    @TempDir
    Path dir;

    @Test
    void byteTokenizerEncodesUtf8BytesAndRoundTripsMultiByteText() {
        Tokenizer bytes = Tokenizers.forId("byte");
        // é is C3 A9, € is E2 82 AC, 🙂 (U+1F642) is F0 9F 99 82 in UTF-8
        assertThat(bytes.encode("aé€🙂")).containsExactly(0x61, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x99, 0x82);
        String text = "Grüße, Ελληνικά, 日本語 and 🙂 emoji\ttab";
        assertThat(bytes.decode(bytes.encode(text))).isEqualTo(text);
        assertThat(bytes.vocabSize()).isEqualTo(257);
        assertThat(bytes.endOfText()).isEqualTo(256);
        assertThat(bytes.decode(new int[] {0x68, 0x69, 256, 0x6F})).isEqualTo("hi<|endoftext|>o");
    }

    @Test
    void gpt2MatchesKnownR50kIds() {
        Tokenizer gpt2 = Tokenizers.forId("gpt2");
        // r50k_base ids as published by OpenAI's tiktoken / GPT-2's encoder.json: "Hello" = 15496, " world" = 995
        assertThat(gpt2.encode("Hello world")).containsExactly(15496, 995);
        // " the" = 262 and "." = 13 in GPT-2's vocabulary
        assertThat(gpt2.encode(" the.")).containsExactly(262, 13);
        assertThat(gpt2.vocabSize()).isEqualTo(50257);
        assertThat(gpt2.endOfText()).isEqualTo(50256);
        String text = "Grüße from the European Parliament — 2004.";
        assertThat(gpt2.decode(gpt2.encode(text))).isEqualTo(text);
        // a separator written inside a document stays ordinary text
        assertThat(gpt2.encode("<|endoftext|>")).doesNotContain(50256);
    }

    @Test
    void huggingFaceTokenizerFromAWrittenTokenizerJson() throws Exception {
        Path json = writeWordLevelTokenizer(dir.resolve("tokenizer.json"), true);
        Tokenizer hf = Tokenizers.forId("hf:" + json);
        assertThat(hf.id()).isEqualTo("hf:" + json);
        // ids as listed in the vocabulary the test wrote; unknown words map to [UNK] = 0
        assertThat(hf.encode("hello world hello")).containsExactly(1, 2, 1);
        assertThat(hf.encode("hello mars")).containsExactly(1, 0);
        assertThat(hf.decode(new int[] {2, 1})).isEqualTo("world hello");
        assertThat(hf.vocabSize()).isEqualTo(5); // ids 0..3 in the model plus added id 4
        assertThat(hf.endOfText()).isEqualTo(4);
        // documents are not truncated to some model maximum (DJL's default would be 512)
        assertThat(hf.encode("hello world ".repeat(1500))).hasSize(3000).startsWith(1, 2).endsWith(1, 2);
        // ... nor to a truncation the file itself declares
        Path truncating = Files.writeString(dir.resolve("truncating.json"), Files.readString(json)
                .replace("\"truncation\":null", "\"truncation\":{\"direction\":\"Right\",\"max_length\":8,\"strategy\":\"LongestFirst\",\"stride\":0}"));
        assertThat(Files.readString(truncating)).contains("max_length");
        assertThat(Tokenizers.forId("hf:" + truncating).encode("hello world ".repeat(20))).hasSize(40);
        // a folder holding tokenizer.json works too
        assertThat(Tokenizers.forId("hf:" + dir).encode("world")).containsExactly(2);
    }

    @Test
    void unknownOrBrokenTokenizersAreClearErrors() throws Exception {
        assertThatThrownBy(() -> Tokenizers.forId("bpe"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tokenizer: unknown 'bpe'");
        assertThatThrownBy(() -> Tokenizers.forId(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tokenizer: ");
        Path missing = dir.resolve("nope/tokenizer.json");
        assertThatThrownBy(() -> Tokenizers.forId("hf:" + missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tokenizer: ").hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "{ not json");
        assertThatThrownBy(() -> Tokenizers.forId("hf:" + garbage))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tokenizer: " + garbage);
        Path noSpecials = writeWordLevelTokenizer(dir.resolve("plain.json"), false);
        assertThatThrownBy(() -> Tokenizers.forId("hf:" + noSpecials))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tokenizer: ").hasMessageContaining("special");
    }

    /** A whitespace-split word-level tokenizer, small enough to verify by hand. */
    static Path writeWordLevelTokenizer(Path file, boolean withEndOfText) throws Exception {
        String added = withEndOfText
                ? "{\"id\":4,\"content\":\"<|endoftext|>\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
                        + "\"normalized\":false,\"special\":true}"
                : "";
        String json = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
                + "\"added_tokens\":[" + added + "],"
                + "\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"Whitespace\"},\"post_processor\":null,"
                + "\"decoder\":null,"
                + "\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"[UNK]\":0,\"hello\":1,\"world\":2,\"the\":3},"
                + "\"unk_token\":\"[UNK]\"}}";
        return Files.writeString(file, json, StandardCharsets.UTF_8);
    }
}
