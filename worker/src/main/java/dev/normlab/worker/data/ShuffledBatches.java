package dev.normlab.worker.data;

import java.util.SplittableRandom;

/**
 * Training batches: each epoch visits the blocks in a new random order drawn from (seed, epoch), so
 * batch {@code p} depends only on {@code p} and the seed and a resumed run continues exactly. An epoch
 * is {@code blocks / batchSize} batches; the few blocks left over differ from epoch to epoch.
 */
final class ShuffledBatches extends BlockBatches {

    private final long seed;
    private final long batchesPerEpoch;
    private long permutedEpoch = -1;
    private int[] order;

    ShuffledBatches(PackedBlocks blocks, int batchSize, long seed) {
        super(blocks, batchSize);
        if (blocks.count() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("data.corpus: " + blocks.count() + " blocks; at most 2^31 - 1 are supported, raise seqLen");
        }
        this.seed = seed;
        this.batchesPerEpoch = blocks.count() / batchSize;
    }

    @Override
    long blockOf(long batch, int row) {
        long epoch = batch / batchesPerEpoch;
        if (epoch != permutedEpoch) {
            order = permutation((int) blocks().count(), seed, epoch);
            permutedEpoch = epoch;
        }
        return order[(int) ((batch % batchesPerEpoch) * batchSize() + row)];
    }

    /** Fisher-Yates shuffle of 0..n-1 with a generator seeded from (seed, epoch). */
    static int[] permutation(int n, long seed, long epoch) {
        SplittableRandom random = new SplittableRandom(new SplittableRandom(seed).split().nextLong() ^ mix(epoch));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    private static long mix(long z) {
        z = (z + 0x9e3779b97f4a7c15L) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
