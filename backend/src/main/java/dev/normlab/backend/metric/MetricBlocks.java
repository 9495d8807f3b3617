package dev.normlab.backend.metric;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code metric_blocks} equal to the aggregates of the points, inside the writing transaction. A touched
 * block is recomputed from its points (level 1) or children (levels 2, 3), never updated incrementally, so
 * replaced values, out-of-order steps and deletions need no special cases. Shortcut: a level-1 block whose 16
 * steps all came in the batch holds exactly the batch's points, so it is computed here without reading them back.
 */
@Component
class MetricBlocks {

    private static final int FINEST_SIZE = (int) BlockLevels.size(BlockLevels.FINEST);

    private final MetricRepository repository;

    MetricBlocks(MetricRepository repository) {
        this.repository = repository;
    }

    /** Aggregates of one level-1 block. */
    record Block(long seriesId, long block, int count, double min, double max, long firstStep, Long firstTokens,
            Double firstSeconds, long lastStep, Long lastTokens, Double lastSeconds, double lastValue) {
    }

    private record SeriesBlock(long seriesId, long block) {
    }

    /** After the batch's points were written ((series, step) unique within the batch). */
    void refresh(long[] series, long[] steps, Long[] tokens, Double[] seconds, double[] values) {
        Map<SeriesBlock, List<Integer>> finest = new HashMap<>();
        for (int i = 0; i < series.length; i++) {
            finest.computeIfAbsent(new SeriesBlock(series[i], BlockLevels.blockOf(steps[i], BlockLevels.FINEST)),
                    k -> new ArrayList<>(FINEST_SIZE)).add(i);
        }
        List<Block> complete = new ArrayList<>();
        Set<SeriesBlock> partial = new LinkedHashSet<>();
        finest.forEach((key, points) -> {
            if (points.size() == FINEST_SIZE) {
                complete.add(aggregate(key, points, steps, tokens, seconds, values));
            } else {
                partial.add(key);
            }
        });
        if (!complete.isEmpty()) {
            repository.upsertFinestBlocks(complete);
        }
        if (!partial.isEmpty()) {
            refreshLevel(BlockLevels.FINEST, partial);
        }
        Set<SeriesBlock> level2 = new LinkedHashSet<>();
        Set<SeriesBlock> level3 = new LinkedHashSet<>();
        for (int i = 0; i < series.length; i++) {
            level2.add(new SeriesBlock(series[i], BlockLevels.blockOf(steps[i], 2)));
            level3.add(new SeriesBlock(series[i], BlockLevels.blockOf(steps[i], 3)));
        }
        repository.refreshUpperBlocksFromFinest(seriesOf(level2), blocksOf(level2), seriesOf(level3), blocksOf(level3));
    }

    private static long[] seriesOf(Set<SeriesBlock> blocks) {
        return blocks.stream().mapToLong(SeriesBlock::seriesId).toArray();
    }

    private static long[] blocksOf(Set<SeriesBlock> blocks) {
        return blocks.stream().mapToLong(SeriesBlock::block).toArray();
    }

    private static Block aggregate(SeriesBlock key, List<Integer> points, long[] steps, Long[] tokens, Double[] seconds,
            double[] values) {
        int first = points.get(0);
        int last = points.get(0);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i : points) {
            min = Math.min(min, values[i]);
            max = Math.max(max, values[i]);
            first = steps[i] < steps[first] ? i : first;
            last = steps[i] > steps[last] ? i : last;
        }
        return new Block(key.seriesId(), key.block(), points.size(), min, max, steps[first], tokens[first], seconds[first],
                steps[last], tokens[last], seconds[last], values[last]);
    }

    /**
     * Drops the run's points after {@code step} and fixes the blocks: every block reaching past {@code step}
     * goes, the one holding {@code step} is rebuilt from what is left.
     */
    void truncateAfter(long runId, long step) {
        List<Long> series = repository.seriesOfRun(runId);
        if (series.isEmpty()) {
            return;
        }
        repository.deletePointsAfter(runId, step);
        for (int level = BlockLevels.FINEST; level <= BlockLevels.COARSEST; level++) {
            long block = BlockLevels.blockOf(step, level);
            repository.deleteBlocksFrom(runId, level, block);
            Set<SeriesBlock> touched = new LinkedHashSet<>();
            series.forEach(s -> touched.add(new SeriesBlock(s, block)));
            refreshLevel(level, touched);
        }
    }

    private void refreshLevel(int level, Set<SeriesBlock> touched) {
        if (level == BlockLevels.FINEST) {
            repository.refreshFinestBlocks(seriesOf(touched), blocksOf(touched));
        } else {
            repository.refreshBlocks(level, seriesOf(touched), blocksOf(touched));
        }
    }
}
