package dev.normlab.backend.metric;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code metric_blocks} equal to the aggregates of the points, inside the writing transaction. Every
 * touched block is recomputed from its points (level 1) or children (levels 2, 3) rather than updated
 * incrementally, so replaced values, out-of-order steps and deletions need no special cases.
 */
@Component
class MetricBlocks {

    private final MetricRepository repository;

    MetricBlocks(MetricRepository repository) {
        this.repository = repository;
    }

    /** After points at these (series, step) pairs were written. */
    void refresh(Long[] series, Long[] steps) {
        for (int level = BlockLevels.FINEST; level <= BlockLevels.COARSEST; level++) {
            Set<List<Long>> touched = new LinkedHashSet<>();
            for (int i = 0; i < series.length; i++) {
                touched.add(List.of(series[i], BlockLevels.blockOf(steps[i], level)));
            }
            refreshLevel(level, touched);
        }
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
            Set<List<Long>> touched = new LinkedHashSet<>();
            series.forEach(s -> touched.add(List.of(s, block)));
            refreshLevel(level, touched);
        }
    }

    private void refreshLevel(int level, Set<List<Long>> touched) {
        List<Long> series = new ArrayList<>(touched.size());
        List<Long> blocks = new ArrayList<>(touched.size());
        for (List<Long> pair : touched) {
            series.add(pair.get(0));
            blocks.add(pair.get(1));
        }
        Long[] s = series.toArray(Long[]::new);
        Long[] b = blocks.toArray(Long[]::new);
        if (level == BlockLevels.FINEST) {
            repository.refreshFinestBlocks(s, b);
        } else {
            repository.refreshBlocks(level, s, b);
        }
    }
}
