package dev.normlab.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The end-to-end tests' corpus: learnable in a few steps, tokenized in milliseconds, the same on every run. */
final class TinyCorpus {

    private TinyCorpus() {
    }

    /** 400 short documents of plain words, one per line. */
    static Path write(Path file) throws IOException {
        String[] words = ("the a model trains on text and learns to predict the next byte of each line while the "
                + "optimizer keeps no state between steps so memory stays small even for large matrices of weights")
                .split(" ");
        Random random = new Random(7);
        List<String> lines = new ArrayList<>();
        for (int line = 0; line < 400; line++) {
            StringBuilder text = new StringBuilder();
            int length = 12 + random.nextInt(20);
            for (int i = 0; i < length; i++) {
                text.append(i == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
            }
            lines.add(text.append('.').toString());
        }
        return Files.write(file, lines);
    }
}
