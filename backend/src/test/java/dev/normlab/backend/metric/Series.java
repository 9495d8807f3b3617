package dev.normlab.backend.metric;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Test side of a metric series: what was sent, step → value (tokens = 512·step, seconds = step / 4). */
record Series(String key, TreeMap<Long, Double> values) {

    static final long TOKENS_PER_STEP = 512;

    static Series of(String key, Map<Long, Double> values) {
        return new Series(key, new TreeMap<>(values));
    }

    static long tokens(long step) {
        return step * TOKENS_PER_STEP;
    }

    static double seconds(long step) {
        return step / 4.0;
    }

    /** JSON of a batch holding the given steps of this series. */
    String batch(int attempt, Iterable<Long> steps) {
        StringBuilder json = new StringBuilder("{\"attempt\": ").append(attempt).append(", \"points\": [");
        String sep = "";
        for (long step : steps) {
            json.append(sep).append(point(key, step, values.get(step)));
            sep = ",";
        }
        return json.append("]}").toString();
    }

    static String point(String key, long step, double value) {
        return String.format(Locale.ROOT, "{\"key\":\"%s\",\"step\":%d,\"tokens\":%d,\"seconds\":%s,\"value\":%s}",
                key, step, tokens(step), Double.toString(seconds(step)), Double.toString(value));
    }

    @Override
    public String toString() {
        return key + values.entrySet().stream().limit(5).map(Object::toString).collect(Collectors.joining(",", "[", "…]"));
    }
}
