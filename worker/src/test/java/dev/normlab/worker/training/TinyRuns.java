package dev.normlab.worker.training;

import dev.normlab.api.spec.RunSpec;
import dev.normlab.api.worker.MetricPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.json.JsonMapper;

/** Small specs, a small generated corpus and a recording sink, so loop tests take seconds. */
final class TinyRuns {

    /** A LLaMA small enough to train a step in milliseconds: two layers of width 32. */
    static final String TINY_MODEL = "{\"hidden\": 32, \"intermediate\": 64, \"heads\": 2, \"layers\": 2}";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TinyRuns() {
    }

    static RunSpec spec(String json) {
        return JSON.readValue(json, RunSpec.class);
    }

    /**
     * A spec of the tiny model on {@code corpus}; {@code extra} adds or overrides top-level fields,
     * e.g. {@code "\"steps\": 6, \"gradClip\": 1.0"}.
     */
    static RunSpec tinySpec(Path corpus, String optimizerJson, String extra) {
        return spec("{"
                + "\"model\": " + TINY_MODEL + ","
                + "\"optimizer\": " + optimizerJson + ","
                + "\"data\": {\"corpus\": \"" + corpus.toString().replace("\\", "\\\\") + "\", \"heldOutFraction\": 0.2},"
                + "\"tokenizer\": \"byte\", \"seqLen\": 16, \"batchSize\": 4, \"device\": \"cpu\", \"seed\": 7,"
                + "\"evalBatches\": 2"
                + (extra.isBlank() ? "" : "," + extra)
                + "}");
    }

    /** 600 lines of pseudo-random sentences over a small vocabulary: learnable, and tokenized in milliseconds. */
    static Path writeCorpus(Path dir) throws IOException {
        String[] words = {"the", "council", "commission", "member", "states", "report", "vote", "we", "must", "europe",
            "parliament", "proposal", "debate", "citizens", "agree", "today", "and", "of", "to", "in"};
        Random random = new Random(1234);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            StringBuilder line = new StringBuilder();
            int n = 6 + random.nextInt(10);
            for (int w = 0; w < n; w++) {
                line.append(w == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
            }
            lines.add(line.append('.').toString());
        }
        Path file = dir.resolve("corpus.txt");
        Files.write(file, lines);
        return file;
    }

    static TrainerSettings settings(Path cache) {
        return TrainerSettings.defaults().withCacheRoot(cache).withThreads(1);
    }

    /** Keeps every point; thread-safe because the loop and a test may both look. */
    static final class RecordingSink implements MetricSink {

        final List<MetricPoint> points = new CopyOnWriteArrayList<>();

        @Override
        public void record(MetricPoint point) {
            points.add(point);
        }

        List<MetricPoint> of(String key) {
            return points.stream().filter(p -> p.key().equals(key)).toList();
        }

        List<Double> values(String key) {
            return of(key).stream().map(MetricPoint::value).toList();
        }

        long lastStep(String key) {
            List<MetricPoint> all = of(key);
            return all.isEmpty() ? -1 : all.get(all.size() - 1).step();
        }
    }
}
