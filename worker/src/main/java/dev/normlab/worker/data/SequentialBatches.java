package dev.normlab.worker.data;

/** Held-out batches: blocks in file order, wrapping around, so every evaluation sees the same text. */
final class SequentialBatches extends BlockBatches {

    SequentialBatches(PackedBlocks blocks, int batchSize) {
        super(blocks, batchSize);
    }

    @Override
    long blockOf(long batch, int row) {
        return Math.floorMod(batch * batchSize() + row, blocks().count());
    }
}
