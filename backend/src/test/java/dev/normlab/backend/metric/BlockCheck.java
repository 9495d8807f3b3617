package dev.normlab.backend.metric;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Recomputes every block of a series in Java from the points the test sent and compares with
 * {@code metric_blocks}: the independent check of the ingest-time maintenance.
 */
final class BlockCheck {

    private BlockCheck() {
    }

    record Block(int level, long block, int count, double min, double max, long firstStep, long lastStep, double lastValue,
            Long firstTokens, Long lastTokens) {
    }

    static void assertBlocksMatch(JdbcClient jdbc, long runId, Series expected) {
        List<Block> stored = jdbc.sql("""
                select b.level, b.block, b.point_count as count, b.min_value as min, b.max_value as max, b.first_step,
                       b.last_step, b.last_value, b.first_tokens, b.last_tokens
                from metric_blocks b join metric_series s on s.id = b.series_id
                where s.run_id = ? and s.key = ? order by b.level, b.block""")
                .params(runId, expected.key()).query(Block.class).list();
        assertThat(stored).containsExactlyElementsOf(reference(expected.values()));
    }

    static List<Block> reference(TreeMap<Long, Double> values) {
        List<Block> out = new ArrayList<>();
        for (int level = 1; level <= 3; level++) {
            long size = 1L << (4 * level);
            TreeMap<Long, List<Map.Entry<Long, Double>>> byBlock = new TreeMap<>();
            for (Map.Entry<Long, Double> e : values.entrySet()) {
                byBlock.computeIfAbsent(e.getKey() / size, b -> new ArrayList<>()).add(e);
            }
            for (var block : byBlock.entrySet()) {
                List<Map.Entry<Long, Double>> points = block.getValue();
                double min = points.stream().mapToDouble(Map.Entry::getValue).min().orElseThrow();
                double max = points.stream().mapToDouble(Map.Entry::getValue).max().orElseThrow();
                long first = points.get(0).getKey();
                Map.Entry<Long, Double> last = points.get(points.size() - 1);
                out.add(new Block(level, block.getKey(), points.size(), min, max, first, last.getKey(), last.getValue(),
                        Series.tokens(first), Series.tokens(last.getKey())));
            }
        }
        return out;
    }
}
