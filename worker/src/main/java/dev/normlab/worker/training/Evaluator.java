package dev.normlab.worker.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import dev.normlab.worker.data.BatchSource;

/** Mean loss over the same first {@code batches} held-out batches every time, so evaluations compare. */
final class Evaluator {

    private final Block model;
    private final Loss loss;
    private final ParameterStore store;
    private final BatchSource heldOut;
    private final NDManager manager;
    private final int batches;

    Evaluator(Block model, Loss loss, ParameterStore store, BatchSource heldOut, NDManager manager, int batches) {
        this.model = model;
        this.loss = loss;
        this.store = store;
        this.heldOut = heldOut;
        this.manager = manager;
        this.batches = batches;
    }

    double evaluate() {
        heldOut.seek(0);
        double sum = 0;
        for (int i = 0; i < batches; i++) {
            try (NDManager batchManager = manager.newSubManager(); NDScope activations = new NDScope()) {
                NDList batch = heldOut.next(batchManager);
                NDList logits = model.forward(store, new NDList(batch.get(0)), false);
                NDArray l = loss.evaluate(new NDList(batch.get(1)), logits);
                sum += l.getFloat();
                activations.suppressNotUsedWarning();
            }
        }
        return sum / batches;
    }
}
