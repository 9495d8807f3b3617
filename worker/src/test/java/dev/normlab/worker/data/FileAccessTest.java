package dev.normlab.worker.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.normlab.api.spec.DataSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A spec's paths on an agent stay inside its data root: real files and symbolic links in a temp dir. */
class FileAccessTest {

    private static final Tokenizer BYTES = new ByteTokenizer();

    @TempDir
    Path dir;

    private Path root;
    private Path outside;
    private FileAccess agent;

    @BeforeEach
    void layOut() throws Exception {
        root = Files.createDirectories(dir.resolve("data"));
        outside = Files.createDirectories(dir.resolve("secrets"));
        Documents.writeText(root.resolve("corpus.txt"), Documents.generate(200, 1));
        Files.createDirectories(root.resolve("shards"));
        Documents.writeText(root.resolve("shards/a.txt"), Documents.generate(200, 2));
        Documents.writeText(root.resolve("shards/b.txt"), Documents.generate(200, 3));
        Documents.writeText(outside.resolve("passwd.txt"), Documents.generate(200, 4));
        TokenizersTest.writeWordLevelTokenizer(root.resolve("tokenizer.json"), true);
        TokenizersTest.writeWordLevelTokenizer(outside.resolve("tokenizer.json"), true);
        agent = FileAccess.within(root);
    }

    private TrainingData open(String corpus, FileAccess access) {
        return TrainingData.open(new DataSpec(corpus, "text", 0.1), BYTES, 8, 2, 1, dir.resolve("cache"), access);
    }

    private void assertRefused(String corpus, String... messageParts) {
        assertThatThrownBy(() -> open(corpus, agent)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("data.corpus: ").hasMessageContainingAll(messageParts);
    }

    @Test
    void relativePathsResolveAgainstTheRootAndAbsoluteOnesInsideItAreRead() {
        try (TrainingData relative = open("corpus.txt", agent);
                TrainingData absolute = open(root.resolve("corpus.txt").toString(), agent);
                TrainingData glob = open("shards/*.txt", agent)) {
            assertThat(relative.trainTokens()).isPositive().isEqualTo(absolute.trainTokens());
            assertThat(glob.trainDocuments() + glob.heldOutDocuments()).isEqualTo(400);
        }
        assertThat(Tokenizers.forId("hf:tokenizer.json", agent).vocabSize()).isEqualTo(5);
        assertThat(Tokenizers.forId("hf:" + root, agent).vocabSize()).isEqualTo(5); // the folder's tokenizer.json
    }

    @Test
    void pathsOutOfTheRootAreRefusedNamingTheFieldBeforeSayingWhetherTheyExist() {
        assertRefused(outside.resolve("passwd.txt").toString(), "is outside this worker's data root", root.toString());
        assertRefused(outside.resolve("no-such.txt").toString(), "is outside this worker's data root");
        assertRefused(outside + "/*.txt", "is outside this worker's data root");
        assertRefused("../secrets/passwd.txt", "'..' is not allowed");
        assertRefused("shards/../corpus.txt", "'..' is not allowed");
        assertThatThrownBy(() -> Tokenizers.forId("hf:" + outside.resolve("tokenizer.json"), agent))
                .hasMessageStartingWith("tokenizer: ").hasMessageContaining("is outside this worker's data root");
        assertThatThrownBy(() -> Tokenizers.forId("hf:../secrets", agent))
                .hasMessageStartingWith("tokenizer: ").hasMessageContaining("'..' is not allowed");
    }

    @Test
    void symbolicLinksOutOfTheRootAreRefusedAlsoWhenAGlobMatchesThem() throws IOException {
        Files.createSymbolicLink(root.resolve("link.txt"), outside.resolve("passwd.txt"));
        Files.createSymbolicLink(root.resolve("linked-folder"), outside);
        assertRefused("link.txt", "link.txt is a symbolic link out of this worker's data root");
        assertRefused("linked-folder/passwd.txt", "linked-folder", "symbolic link out");
        assertRefused("linked-folder/no-such.txt", "linked-folder", "symbolic link out");
        assertRefused("linked-folder/*.txt", "linked-folder", "symbolic link out");
        assertThatThrownBy(() -> Tokenizers.forId("hf:linked-folder", agent))
                .hasMessageStartingWith("tokenizer: ").hasMessageContaining("symbolic link out");

        // one match of the glob links out: the whole corpus is refused, naming that file
        Files.createSymbolicLink(root.resolve("shards/c.txt"), outside.resolve("passwd.txt"));
        assertRefused("shards/*.txt", "shards/c.txt", "symbolic link out");
    }

    @Test
    void linksThatStayInsideTheRootAndARootThatIsItselfALinkAreFine() throws IOException {
        Files.createSymbolicLink(root.resolve("shards/c.txt"), root.resolve("corpus.txt"));
        try (TrainingData glob = open("shards/*.txt", agent)) {
            assertThat(glob.trainDocuments() + glob.heldOutDocuments()).isEqualTo(600);
        }
        Path linkedRoot = Files.createSymbolicLink(dir.resolve("data-link"), root);
        FileAccess viaLink = FileAccess.within(linkedRoot);
        try (TrainingData byLinkName = open(linkedRoot.resolve("corpus.txt").toString(), viaLink);
                TrainingData byRealName = open(root.resolve("corpus.txt").toString(), viaLink)) {
            assertThat(byLinkName.trainTokens()).isEqualTo(byRealName.trainTokens());
        }
    }

    @Test
    void theTrainCliReadsAnyPathItsUserGives() {
        try (TrainingData data = open(outside.resolve("passwd.txt").toString(), FileAccess.unrestricted())) {
            assertThat(data.trainTokens()).isPositive();
        }
        assertThat(Tokenizers.forId("hf:" + outside, FileAccess.unrestricted()).vocabSize()).isEqualTo(5);
        assertThatThrownBy(() -> FileAccess.within(root.resolve("corpus.txt"))).hasMessageContaining("is not a folder");
    }
}
