package dev.normlab.worker.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.normlab.api.spec.DataSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDataTest {

    private static final Tokenizer BYTES = new ByteTokenizer();
    private static NDManager manager;

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void release() {
        manager.close();
    }

    private TrainingData open(String corpus, String format, double heldOut, int seqLen, int batchSize, long seed) {
        return TrainingData.open(new DataSpec(corpus, format, heldOut), BYTES, seqLen, batchSize, seed, dir.resolve("cache"));
    }

    @Test
    void packedStreamsReproduceTheDocumentsSplitIntoDisjointTrainAndHeldOut() throws IOException {
        List<String> documents = Documents.generate(400, 1);
        Path file = Documents.writeText(dir.resolve("corpus.txt"), documents);
        int seqLen = 32;
        try (TrainingData data = open(file.toString(), "text", 0.1, seqLen, 4, 7)) {
            TokenFile tokens = TokenFile.openIfValid(data.tokenFile());
            List<String> train = Documents.splitStream(wholeStream(tokens.train()), (int) data.trainTokens());
            List<String> heldOut = Documents.splitStream(wholeStream(tokens.heldOut()), (int) data.heldOutTokens());

            // every document lands on exactly one side, each side keeps the file order
            assertThat(train.size() + heldOut.size()).isEqualTo(documents.size());
            assertThat(new HashSet<>(train)).doesNotContainAnyElementsOf(heldOut);
            List<String> merged = new ArrayList<>(documents);
            merged.retainAll(new HashSet<>(train));
            assertThat(train).isEqualTo(merged);
            assertThat(heldOut.size()).isBetween(20, 65); // ~10% of 400
            assertThat(data.trainDocuments()).isEqualTo(train.size());
            assertThat(data.heldOutDocuments()).isEqualTo(heldOut.size());
            long expectedTrainTokens = train.stream().mapToLong(d -> d.getBytes(StandardCharsets.UTF_8).length + 1).sum();
            assertThat(data.trainTokens()).isEqualTo(expectedTrainTokens);

            // blocks in file order: inputs concatenated are the stream; labels are the inputs shifted by one
            PackedBlocks blocks = new PackedBlocks(tokens.train(), seqLen);
            long[] stream = wholeStream(tokens.train());
            long[] block = new long[seqLen + 1];
            for (long b = 0; b < blocks.count(); b++) {
                blocks.read(b, block, 0);
                for (int t = 0; t <= seqLen; t++) {
                    assertThat(block[t]).isEqualTo(stream[(int) (b * seqLen + t)]);
                }
            }
            assertThat(blocks.count()).isEqualTo((data.trainTokens() - 1) / seqLen);
        }
    }

    @Test
    void heldOutBatchesFollowTheStreamInOrderAndWrapAround() throws IOException {
        Path file = Documents.writeText(dir.resolve("corpus.txt"), Documents.generate(300, 2));
        int seqLen = 16;
        int batchSize = 3;
        try (TrainingData data = open(file.toString(), "text", 0.2, seqLen, batchSize, 1)) {
            long[] stream = wholeStream(TokenFile.openIfValid(data.tokenFile()).heldOut());
            long blockCount = (data.heldOutTokens() - 1) / seqLen;
            BatchSource heldOut = data.heldOut();
            long batches = blockCount / batchSize + 2; // enough to wrap around
            for (long p = 0; p < batches; p++) {
                long[][] rows = rows(heldOut.next(manager), 0);
                long[][] labels = rows(heldOut.next(manager), 1);
                for (int r = 0; r < batchSize; r++) {
                    long blockOfRow = (2 * p * batchSize + r) % blockCount;
                    long blockOfLabelRow = ((2 * p + 1) * batchSize + r) % blockCount;
                    for (int t = 0; t < seqLen; t++) {
                        assertThat(rows[r][t]).isEqualTo(stream[(int) (blockOfRow * seqLen + t)]);
                        assertThat(labels[r][t]).isEqualTo(stream[(int) (blockOfLabelRow * seqLen + t + 1)]);
                    }
                }
            }
            heldOut.seek(0);
            long[][] again = rows(heldOut.next(manager), 0);
            assertThat(again[0][0]).isEqualTo(stream[0]);
        }
    }

    @Test
    void trainingBatchesAreInt64OnTheGivenManagerWithLabelsShiftedByOne() throws IOException {
        Path file = Documents.writeText(dir.resolve("corpus.txt"), Documents.generate(200, 3));
        int seqLen = 24;
        try (TrainingData data = open(file.toString(), "text", 0.1, seqLen, 5, 3);
                NDManager step = manager.newSubManager()) {
            long[] stream = wholeStream(TokenFile.openIfValid(data.tokenFile()).train());
            NDList batch = data.train().next(step);
            assertThat(batch).hasSize(2);
            assertThat(batch.get(0).getDataType()).isEqualTo(DataType.INT64);
            assertThat(batch.get(0).getShape()).isEqualTo(new Shape(5, seqLen));
            assertThat(batch.get(1).getShape()).isEqualTo(new Shape(5, seqLen));
            assertThat(batch.get(0).getManager()).isSameAs(step);
            long[][] inputs = rows(batch, 0);
            long[][] labels = rows(batch, 1);
            for (int r = 0; r < 5; r++) {
                int start = indexOf(stream, inputs[r]); // each row is a block at a multiple of seqLen
                assertThat(start % seqLen).isZero();
                for (int t = 0; t < seqLen; t++) {
                    assertThat(labels[r][t]).isEqualTo(stream[start + t + 1]);
                }
            }
        }
    }

    @Test
    void shuffleIsSeededNewEachEpochAndCoversEveryBlockOnce() throws IOException {
        Path file = Documents.writeText(dir.resolve("corpus.txt"), Documents.generate(300, 4));
        int seqLen = 32;
        int batchSize = 2;
        try (TrainingData a = open(file.toString(), "text", 0.05, seqLen, batchSize, 11);
                TrainingData b = open(file.toString(), "text", 0.05, seqLen, batchSize, 11);
                TrainingData other = open(file.toString(), "text", 0.05, seqLen, batchSize, 12)) {
            long[] stream = wholeStream(TokenFile.openIfValid(a.tokenFile()).train());
            int blocks = (int) ((a.trainTokens() - 1) / seqLen);
            int batchesPerEpoch = blocks / batchSize;
            List<Integer> epoch0 = new ArrayList<>();
            List<Integer> epoch1 = new ArrayList<>();
            List<Integer> otherSeed = new ArrayList<>();
            for (int p = 0; p < 2 * batchesPerEpoch; p++) {
                long[][] rowsA = rows(a.train().next(manager), 0);
                long[][] rowsB = rows(b.train().next(manager), 0);
                assertThat(rowsA).isDeepEqualTo(rowsB);
                for (long[] row : rowsA) {
                    (p < batchesPerEpoch ? epoch0 : epoch1).add(indexOf(stream, row) / seqLen);
                }
                if (p < batchesPerEpoch) {
                    for (long[] row : rows(other.train().next(manager), 0)) {
                        otherSeed.add(indexOf(stream, row) / seqLen);
                    }
                }
            }
            // an epoch serves distinct blocks, all but fewer than batchSize of them
            assertThat(new HashSet<>(epoch0)).hasSize(epoch0.size());
            assertThat(epoch0).hasSize(batchesPerEpoch * batchSize).allMatch(i -> i >= 0 && i < blocks);
            assertThat(epoch1).isNotEqualTo(epoch0);
            assertThat(otherSeed).isNotEqualTo(epoch0);
            assertThat(epoch0).isNotEqualTo(sorted(epoch0));
        }
    }

    @Test
    void seekThenNextYieldsExactlyWhatThatCallWouldHave() throws IOException {
        Path file = Documents.writeText(dir.resolve("corpus.txt"), Documents.generate(150, 5));
        try (TrainingData straight = open(file.toString(), "text", 0.05, 16, 4, 99);
                TrainingData resumed = open(file.toString(), "text", 0.05, 16, 4, 99)) {
            int batchesPerEpoch = (int) ((straight.trainTokens() - 1) / 16 / 4);
            int total = 2 * batchesPerEpoch + 3; // crosses two epoch boundaries
            List<long[][][]> expected = new ArrayList<>();
            for (int p = 0; p < total; p++) {
                NDList batch = straight.train().next(manager);
                expected.add(new long[][][] {rows(batch, 0), rows(batch, 1)});
            }
            for (int p : new int[] {total - 1, 0, batchesPerEpoch, batchesPerEpoch - 1, 5}) {
                resumed.train().seek(p);
                NDList batch = resumed.train().next(manager);
                assertThat(rows(batch, 0)).as("inputs at %d", p).isDeepEqualTo(expected.get(p)[0]);
                assertThat(rows(batch, 1)).as("labels at %d", p).isDeepEqualTo(expected.get(p)[1]);
                assertThat(resumed.train().position()).isEqualTo(p + 1);
            }
        }
    }

    @Test
    void secondOpenReusesTheTokenFileAndAChangedCorpusIsTokenizedAgain() throws Exception {
        Path file = Documents.writeText(dir.resolve("corpus.txt"), Documents.generate(200, 6));
        Path tokens;
        long trainTokens;
        try (TrainingData first = open(file.toString(), "text", 0.1, 16, 2, 1)) {
            assertThat(first.reusedCache()).isFalse();
            tokens = first.tokenFile();
            trainTokens = first.trainTokens();
        }
        // next to the corpus, since its folder is writable
        assertThat(tokens.getParent()).isEqualTo(dir.resolve(FileCorpus.CACHE_FOLDER));
        FileTime written = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(tokens, written); // a marker a rewrite would replace
        try (TrainingData second = open(file.toString(), "text", 0.1, 16, 2, 1)) {
            assertThat(second.reusedCache()).isTrue();
            assertThat(second.tokenFile()).isEqualTo(tokens);
            assertThat(second.trainTokens()).isEqualTo(trainTokens);
        }
        assertThat(Files.getLastModifiedTime(tokens)).isEqualTo(written);

        List<String> changed = new ArrayList<>(Documents.generate(200, 6));
        changed.add("one more document at the end, long enough to change the count of tokens");
        Documents.writeText(file, changed);
        try (TrainingData third = open(file.toString(), "text", 0.1, 16, 2, 1)) {
            assertThat(third.reusedCache()).isFalse();
            assertThat(third.tokenFile()).isNotEqualTo(tokens);
            assertThat(third.trainTokens() + third.heldOutTokens()).isGreaterThan(trainTokens);
        }
        try (TrainingData otherFraction = open(file.toString(), "text", 0.2, 16, 2, 1)) {
            assertThat(otherFraction.reusedCache()).isFalse();
        }
    }

    @Test
    void aDamagedTokenFileIsRebuilt() throws IOException {
        Path file = Documents.writeText(dir.resolve("corpus.txt"), Documents.generate(100, 8));
        Path tokens;
        long trainTokens;
        try (TrainingData first = open(file.toString(), "text", 0.1, 16, 2, 1)) {
            tokens = first.tokenFile();
            trainTokens = first.trainTokens();
        }
        byte[] bytes = Files.readAllBytes(tokens);
        Files.write(tokens, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // e.g. a disk that filled up
        try (TrainingData second = open(file.toString(), "text", 0.1, 16, 2, 1)) {
            assertThat(second.reusedCache()).isFalse();
            assertThat(second.trainTokens()).isEqualTo(trainTokens);
            assertThat(Files.size(tokens)).isEqualTo(bytes.length);
        }
    }

    @Test
    void whenNoCacheFolderCanBeMadeNextToTheCorpusTheCacheRootIsUsed() throws IOException {
        Path file = Documents.writeText(dir.resolve("corpus.txt"), Documents.generate(100, 9));
        Files.writeString(dir.resolve(FileCorpus.CACHE_FOLDER), "a file where the cache folder would go");
        try (TrainingData data = open(file.toString(), "text", 0.1, 16, 2, 1)) {
            assertThat(data.tokenFile()).startsWith(dir.resolve("cache"));
        }
        try (TrainingData again = open(file.toString(), "text", 0.1, 16, 2, 1)) {
            assertThat(again.reusedCache()).isTrue();
        }
    }

    @Test
    void aReadOnlyCorpusFolderCachesUnderTheCacheRoot() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("readonly"));
        Path file = Documents.writeText(folder.resolve("corpus.txt"), Documents.generate(100, 9));
        folder.toFile().setWritable(false, false);
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(folder), "running as root: every folder is writable");
            try (TrainingData data = open(file.toString(), "text", 0.1, 16, 2, 1)) {
                assertThat(data.tokenFile()).startsWith(dir.resolve("cache"));
            }
        } finally {
            folder.toFile().setWritable(true, false);
        }
    }

    @Test
    void huggingFaceTokenizerEndToEnd() throws Exception {
        Path json = TokenizersTest.writeWordLevelTokenizer(dir.resolve("tokenizer.json"), true);
        Tokenizer hf = Tokenizers.forId("hf:" + json);
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        String[] words = {"hello", "world", "the", "mars"};
        List<String> documents = new ArrayList<>();
        for (int d = 0; d < 300; d++) {
            StringBuilder text = new StringBuilder(words[d % 3]);
            for (int w = 0; w < 4 + random.nextInt(12); w++) {
                text.append(' ').append(words[random.nextInt(words.length)]);
            }
            documents.add(text.toString());
        }
        Path file = Documents.writeJsonl(dir.resolve("words.jsonl"), documents);
        try (TrainingData data = TrainingData.open(new DataSpec(file.toString(), "jsonl", 0.1), hf, 8, 2, 5, dir.resolve("cache"));
                NDManager step = manager.newSubManager()) {
            // each word is one token and each document ends with <|endoftext|> (id 4)
            long expected = documents.stream().mapToLong(d -> d.split(" ").length + 1).sum();
            assertThat(data.trainTokens() + data.heldOutTokens()).isEqualTo(expected);
            long[] ids = data.train().next(step).get(0).toLongArray();
            assertThat(java.util.Arrays.stream(ids)).allMatch(id -> id >= 0 && id <= 4);
        }
    }

    @Test
    void globReadsEveryMatchingFileInPathOrder() throws IOException {
        Files.createDirectories(dir.resolve("shards"));
        List<String> all = new ArrayList<>();
        for (int shard = 2; shard >= 0; shard--) { // written out of order: the glob sorts
            List<String> documents = Documents.generate(80, 10 + shard);
            Documents.writeText(dir.resolve("shards/part-" + shard + ".txt"), documents);
        }
        for (int shard = 0; shard < 3; shard++) {
            all.addAll(Documents.generate(80, 10 + shard));
        }
        Files.writeString(dir.resolve("shards/notes.md"), "not part of the corpus\n");
        try (TrainingData data = open(dir.resolve("shards/part-*.txt").toString(), "text", 0.1, 16, 2, 1)) {
            TokenFile tokens = TokenFile.openIfValid(data.tokenFile());
            List<String> train = Documents.splitStream(wholeStream(tokens.train()), (int) data.trainTokens());
            List<String> heldOut = Documents.splitStream(wholeStream(tokens.heldOut()), (int) data.heldOutTokens());
            List<String> inOrder = new ArrayList<>(all);
            inOrder.retainAll(new HashSet<>(train));
            assertThat(train).isEqualTo(inOrder);
            assertThat(train.size() + heldOut.size()).isEqualTo(240);
        }
    }

    @Test
    void recursiveGlobAndAFileWhoseNameLooksLikeAGlob() throws IOException {
        Path nested = Files.createDirectories(dir.resolve("tree/a/b"));
        Documents.writeJsonl(nested.resolve("deep.jsonl"), Documents.generate(120, 30));
        Documents.writeJsonl(dir.resolve("tree/a/shallow.jsonl"), Documents.generate(120, 31));
        Documents.writeText(dir.resolve("tree/a/ignored.txt"), Documents.generate(50, 32));
        try (TrainingData data = open(dir.resolve("tree/**.jsonl").toString(), "jsonl", 0.1, 16, 2, 1)) {
            assertThat(data.trainDocuments() + data.heldOutDocuments()).isEqualTo(240);
        }
        Path bracketed = Documents.writeText(dir.resolve("corpus[v2].txt"), Documents.generate(100, 33));
        try (TrainingData data = open(bracketed.toString(), "text", 0.1, 16, 2, 1)) {
            assertThat(data.trainDocuments() + data.heldOutDocuments()).isEqualTo(100);
        }
    }

    @Test
    void jsonlTakesTheTextField() throws IOException {
        List<String> documents = new ArrayList<>(Documents.generate(150, 20));
        documents.set(3, "a \"quoted\" line with a back\\slash and 日本");
        Path file = Documents.writeJsonl(dir.resolve("corpus.jsonl"), documents);
        try (TrainingData data = open(file.toString(), "jsonl", 0.1, 16, 2, 1)) {
            TokenFile tokens = TokenFile.openIfValid(data.tokenFile());
            Set<String> seen = new HashSet<>(Documents.splitStream(wholeStream(tokens.train()), (int) data.trainTokens()));
            seen.addAll(Documents.splitStream(wholeStream(tokens.heldOut()), (int) data.heldOutTokens()));
            assertThat(seen).isEqualTo(new HashSet<>(documents));
        }
    }

    @Test
    void badCorporaAreClearErrors() throws IOException {
        Path missing = dir.resolve("missing.txt");
        assertThatThrownBy(() -> open(missing.toString(), "text", 0.1, 16, 2, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("data.corpus: " + missing).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> open(dir.resolve("*.txt").toString(), "text", 0.1, 16, 2, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("data.corpus: glob " + dir.resolve("*.txt")).hasMessageContaining("matches no files");
        Path tiny = Documents.writeText(dir.resolve("tiny.txt"), List.of("too short", "for a batch"));
        assertThatThrownBy(() -> open(tiny.toString(), "text", 0.1, 64, 4, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("data.corpus: " + tiny).hasMessageContaining("too small for one batch");

        Path broken = dir.resolve("broken.jsonl");
        Files.write(broken, List.of("{\"text\": \"fine\"}", "", "{\"text\": \"cut off"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> open(broken.toString(), "jsonl", 0.1, 16, 2, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("data.corpus: " + broken + " line 3").hasMessageContaining("not valid JSON");
        Path noText = dir.resolve("notext.jsonl");
        Files.write(noText, List.of("{\"text\": \"fine\"}", "{\"body\": \"wrong field\"}"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> open(noText.toString(), "jsonl", 0.1, 16, 2, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("data.corpus: " + noText + " line 2").hasMessageContaining("\"text\"");
        Path latin1 = Files.write(dir.resolve("latin1.txt"), "Gr\u00fc\u00dfe aus Br\u00fcssel\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> open(latin1.toString(), "text", 0.1, 16, 2, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("data.corpus: " + latin1).hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> open(tiny.toString(), "csv", 0.1, 16, 2, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("data.format: ");
        assertThatThrownBy(() -> open(tiny.toString(), "text", 0.1, 0, 2, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("seqLen: ");
        // a failed tokenization leaves no token file or temporary behind
        try (var left = Files.list(dir.resolve(FileCorpus.CACHE_FOLDER))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("broken") || n.startsWith("notext") || n.startsWith("latin1"));
        }
    }

    static long[] wholeStream(TokenFile.Stream stream) {
        long[] all = new long[(int) stream.size()];
        stream.read(0, all, 0, all.length);
        return all;
    }

    /** Row-major copy of array {@code which} of a (B, T) batch. */
    static long[][] rows(NDList batch, int which) {
        long[] flat = batch.get(which).toLongArray();
        int batchSize = (int) batch.get(which).getShape().get(0);
        int seqLen = (int) batch.get(which).getShape().get(1);
        long[][] rows = new long[batchSize][seqLen];
        for (int r = 0; r < batchSize; r++) {
            System.arraycopy(flat, r * seqLen, rows[r], 0, seqLen);
        }
        return rows;
    }

    /** Start of the only block-aligned occurrence of {@code row} in {@code stream} (documents are distinct). */
    private static int indexOf(long[] stream, long[] row) {
        outer:
        for (int start = 0; start + row.length <= stream.length; start += row.length) {
            for (int t = 0; t < row.length; t++) {
                if (stream[start + t] != row[t]) {
                    continue outer;
                }
            }
            return start;
        }
        throw new AssertionError("row is not a block of the stream");
    }

    private static List<Integer> sorted(List<Integer> values) {
        List<Integer> copy = new ArrayList<>(values);
        copy.sort(null);
        return copy;
    }
}
