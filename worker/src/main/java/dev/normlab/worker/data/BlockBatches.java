package dev.normlab.worker.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Shared part of the batch sources: which blocks make batch {@code p} is left to the subclass; this
 * class reads them and builds inputs and labels on the caller's manager (and so on its device).
 */
abstract class BlockBatches implements BatchSource {

    private final PackedBlocks blocks;
    private final int batchSize;
    private final long[] block;
    private long position;

    BlockBatches(PackedBlocks blocks, int batchSize) {
        this.blocks = blocks;
        this.batchSize = batchSize;
        this.block = new long[blocks.seqLen() + 1];
    }

    /** The block that row {@code row} of batch {@code batch} holds. */
    abstract long blockOf(long batch, int row);

    @Override
    public NDList next(NDManager manager) {
        int seqLen = blocks.seqLen();
        long[] inputs = new long[batchSize * seqLen];
        long[] labels = new long[batchSize * seqLen];
        for (int row = 0; row < batchSize; row++) {
            blocks.read(blockOf(position, row), block, 0);
            System.arraycopy(block, 0, inputs, row * seqLen, seqLen);
            System.arraycopy(block, 1, labels, row * seqLen, seqLen);
        }
        position++;
        Shape shape = new Shape(batchSize, seqLen);
        NDArray x = manager.create(inputs, shape); // (B, T) INT64
        NDArray y = manager.create(labels, shape); // (B, T) INT64
        x.setName("inputs");
        y.setName("labels");
        return new NDList(x, y);
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void seek(long position) {
        if (position < 0) {
            throw new IllegalArgumentException("position: must be >= 0, got " + position);
        }
        this.position = position;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int seqLen() {
        return blocks.seqLen();
    }

    PackedBlocks blocks() {
        return blocks;
    }
}
