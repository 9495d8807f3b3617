package dev.normlab.worker.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.api.spec.DataSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * First (uncached) and second (cached) open of the Europarl corpus per tokenizer; figures go to
 * docs/benchmarks.md. Not part of the normal build: run with {@code -Dbench.tokenize=true}
 * (see docs/benchmarks.md for the command); results also land in worker/target/bench/tokenization.txt.
 */
@EnabledIfSystemProperty(named = "bench.tokenize", matches = "true")
class TokenizationBench {

    @TempDir
    Path cacheRoot;

    @Test
    void europarlFirstAndCachedOpen() throws IOException {
        List<String> report = new ArrayList<>();
        report.add("| tokenizer | documents | tokens | first open (tokenize + write) s | tokens/s | cached open ms | token file MiB |");
        report.add("|---|---|---|---|---|---|---|");
        for (String id : System.getProperty("bench.tokenizers", "byte,gpt2").split(",")) {
            Tokenizer tokenizer = Tokenizers.forId(id);
            Path root = cacheRoot.resolve(id.replaceAll("[^a-z0-9]", "_"));
            long start = System.nanoTime();
            long tokens;
            long documents;
            Path file;
            try (TrainingData data = TrainingData.open(DataSpec.europarl(), tokenizer, 256, 8, 42, root)) {
                tokens = data.trainTokens() + data.heldOutTokens();
                documents = data.trainDocuments() + data.heldOutDocuments();
                file = data.tokenFile();
                assertThat(data.reusedCache()).isFalse();
            }
            double firstSeconds = (System.nanoTime() - start) / 1e9;
            long cachedStart = System.nanoTime();
            try (TrainingData data = TrainingData.open(DataSpec.europarl(), tokenizer, 256, 8, 42, root)) {
                assertThat(data.reusedCache()).isTrue();
            }
            double cachedMillis = (System.nanoTime() - cachedStart) / 1e6;
            report.add(String.format(Locale.ROOT, "| %s | %,d | %,d | %.1f | %,.0f | %.1f | %.1f |", id, documents, tokens,
                    firstSeconds, tokens / firstSeconds, cachedMillis, Files.size(file) / (1024.0 * 1024.0)));
        }
        Path out = Path.of("target", "bench", "tokenization.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, report);
        report.forEach(org.slf4j.LoggerFactory.getLogger(TokenizationBench.class)::info);
    }
}
