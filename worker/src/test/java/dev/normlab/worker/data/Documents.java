package dev.normlab.worker.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Test corpora: distinct documents of varied length, some with multi-byte UTF-8, written to real files. */
final class Documents {

    private static final String[] WORDS = {"parliament", "vote", "Grüße", "naïve", "日本", "budget", "€", "council", "a", "the"};

    private Documents() {
    }

    static List<String> generate(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> documents = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            StringBuilder text = new StringBuilder("document " + seed + "-" + d + ":");
            int words = 3 + random.nextInt(40);
            for (int w = 0; w < words; w++) {
                text.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
            }
            documents.add(text.toString());
        }
        return documents;
    }

    static Path writeText(Path file, List<String> documents) throws IOException {
        return Files.write(file, documents, StandardCharsets.UTF_8);
    }

    static Path writeJsonl(Path file, List<String> documents) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            lines.add("{\"id\": " + i + ", \"text\": \"" + documents.get(i).replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
        }
        return Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** Splits a byte-token stream at end-of-text into documents (the stream ends with one). */
    static List<String> splitStream(long[] stream, int length) {
        List<String> documents = new ArrayList<>();
        java.io.ByteArrayOutputStream current = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < length; i++) {
            if (stream[i] == ByteTokenizer.END_OF_TEXT) {
                documents.add(current.toString(StandardCharsets.UTF_8));
                current.reset();
            } else {
                current.write((int) stream[i]);
            }
        }
        return documents;
    }
}
