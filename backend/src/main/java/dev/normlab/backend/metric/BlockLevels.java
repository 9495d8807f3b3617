package dev.normlab.backend.metric;

/**
 * The block hierarchy of {@code metric_blocks}: level L aggregates 16^L consecutive steps (16, 256, 4096).
 * A factor of 16 keeps each level's refresh cheap (16 children per block) while the coarsest level still
 * covers a 1M-step series in ~250 rows.
 */
final class BlockLevels {

    static final int FANOUT_BITS = 4;
    static final int FINEST = 1;
    static final int COARSEST = 3;

    private BlockLevels() {
    }

    static long size(int level) {
        return 1L << (FANOUT_BITS * level);
    }

    /** The level-{@code level} block that holds {@code step}. */
    static long blockOf(long step, int level) {
        return step >> (FANOUT_BITS * level);
    }

    /**
     * The coarsest level whose blocks are no wider than a bucket of {@code stepsPerBucket} steps, 0 (raw points)
     * when even the finest is wider: a block then lands in one bucket, misplacing its min/max by less than a
     * bucket at worst, while the query reads ~steps/size rows.
     */
    static int levelFor(double stepsPerBucket) {
        int level = 0;
        while (level < COARSEST && size(level + 1) <= stepsPerBucket) {
            level++;
        }
        return level;
    }
}
