package dev.normlab.backend.metric;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.LongToDoubleFunction;

/**
 * Brute-force downsampling in the test: every point in [fromStep, toStep] goes to the bucket its x falls in
 * (the grid the answer names), keeping count, min, max and the last point — what the server must return.
 */
final class Reference {

    private Reference() {
    }

    record Bucket(int bucket, long count, double min, double max, long lastStep, double lastValue) {
    }

    static List<Bucket> buckets(NavigableMap<Long, Double> values, long fromStep, long toStep, LongToDoubleFunction x,
            double gridFrom, double width, int count) {
        TreeMap<Integer, List<Map.Entry<Long, Double>>> byBucket = new TreeMap<>();
        for (Map.Entry<Long, Double> e : values.subMap(fromStep, true, toStep, true).entrySet()) {
            int b = (int) Math.max(0, Math.min(count - 1, Math.floor((x.applyAsDouble(e.getKey()) - gridFrom) / width)));
            byBucket.computeIfAbsent(b, k -> new ArrayList<>()).add(e);
        }
        List<Bucket> out = new ArrayList<>();
        byBucket.forEach((b, points) -> {
            Map.Entry<Long, Double> last = points.get(points.size() - 1);
            out.add(new Bucket(b, points.size(), points.stream().mapToDouble(Map.Entry::getValue).min().orElseThrow(),
                    points.stream().mapToDouble(Map.Entry::getValue).max().orElseThrow(), last.getKey(), last.getValue()));
        });
        return out;
    }
}
