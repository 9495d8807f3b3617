package dev.normlab.worker.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

    @TempDir
    Path dir;

    @Test
    void fourByteTokensForLargeVocabulariesReadBackExactly() throws IOException {
        Path target = dir.resolve("big.tokens");
        int endOfText = 150_000;
        try (TokenFileWriter writer = new TokenFileWriter(target, 4)) {
            writer.addDocument(false, new int[] {0, 65_535, 65_536, 149_999}, endOfText);
            writer.addDocument(true, new int[] {7, 123_456}, endOfText);
            writer.addDocument(false, new int[] {1 << 20}, endOfText);
            writer.commit();
        }
        TokenFile file = TokenFile.openIfValid(target);
        assertThat(file.header()).isEqualTo(new TokenFile.Header(4, 7, 3, 2, 1));
        assertThat(TrainingDataTest.wholeStream(file.train()))
                .containsExactly(0, 65_535, 65_536, 149_999, endOfText, 1 << 20, endOfText);
        assertThat(TrainingDataTest.wholeStream(file.heldOut())).containsExactly(7, 123_456, endOfText);
        assertThat(Files.size(target)).isEqualTo(TokenFile.HEADER_BYTES + 10 * 4);
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(target); // no temporaries left behind
        }
    }

    @Test
    void twoByteTokensAreUnsigned() throws IOException {
        Path target = dir.resolve("small.tokens");
        try (TokenFileWriter writer = new TokenFileWriter(target, 2)) {
            writer.addDocument(false, new int[] {40_000, 65_535, 0}, 50_256);
            writer.commit();
        }
        assertThat(TrainingDataTest.wholeStream(TokenFile.openIfValid(target).train())).containsExactly(40_000, 65_535, 0, 50_256);
    }

    @Test
    void truncatedOrForeignFilesAreNotValid() throws IOException {
        Path target = dir.resolve("t.tokens");
        try (TokenFileWriter writer = new TokenFileWriter(target, 2)) {
            writer.addDocument(false, new int[] {1, 2, 3}, 9);
            writer.commit();
        }
        byte[] bytes = Files.readAllBytes(target);
        Path truncated = Files.write(dir.resolve("truncated.tokens"), Arrays.copyOf(bytes, bytes.length - 2));
        Path foreign = Files.write(dir.resolve("foreign.tokens"), new byte[100]);
        assertThat(TokenFile.openIfValid(target)).isNotNull();
        assertThat(TokenFile.openIfValid(truncated)).isNull();
        assertThat(TokenFile.openIfValid(foreign)).isNull();
    }

    @Test
    void anAbandonedWriteLeavesNothingUnderTheTargetName() throws IOException {
        Path target = dir.resolve("never.tokens");
        try (TokenFileWriter writer = new TokenFileWriter(target, 2)) {
            writer.addDocument(false, new int[] {1, 2, 3}, 9);
            // no commit: e.g. a malformed line further down the corpus
        }
        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }
}
