package dev.normlab.worker.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * An endless, deterministic stream of (inputs, labels) batches of packed token blocks.
 * Resumable: {@link #position()} is saved in a checkpoint and {@link #seek(long)} restores it, so a
 * resumed run sees exactly the batches it would have seen without stopping.
 */
public interface BatchSource {

    /**
     * The next batch, created on {@code manager} (and so on its device): inputs and labels, both INT64 of shape
     * (batchSize, seqLen); labels are the inputs shifted by one token.
     */
    NDList next(NDManager manager);

    /** Batches served so far (the resumable position). */
    long position();

    /** Continue as if {@code position} batches had been served. */
    void seek(long position);

    int batchSize();

    int seqLen();
}
