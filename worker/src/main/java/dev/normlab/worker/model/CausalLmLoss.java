package dev.normlab.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * Mean next-token cross-entropy of logits (B, T, V) against labels INT64 (B, T), computed in fp32
 * (fp64 logits stay fp64) as {@code -mean(log_softmax(logits)[label])}; log-softmax subtracts the
 * row maximum, so large logits do not overflow. The labels are the already shifted targets.
 *
 * <p>Usable as a DJL {@link Loss} ({@code evaluate(labels, predictions)}) or directly through
 * {@link #meanCrossEntropy}.
 */
public final class CausalLmLoss extends Loss {

    public CausalLmLoss() {
        super("causal_lm_loss");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        return meanCrossEntropy(predictions.singletonOrThrow(), labels.singletonOrThrow());
    }

    /** Scalar mean token cross-entropy (nats). */
    public static NDArray meanCrossEntropy(NDArray logits, NDArray labels) {
        if (logits.getShape().dimension() != 3) {
            throw new IllegalArgumentException("logits must be (batch, seq, vocab): shape=" + logits.getShape());
        }
        if (!labels.getShape().equals(logits.getShape().slice(0, 2))) {
            throw new IllegalArgumentException("labels must be (batch, seq) = " + logits.getShape().slice(0, 2)
                    + ": shape=" + labels.getShape());
        }
        // half logits: cross-entropy in fp32 (a recorded cast: DJL's toType would cut backward here)
        NDArray x = logits.getDataType() == DataType.FLOAT64 ? logits : Casts.differentiable(logits, DataType.FLOAT32);
        NDArray index = labels.getDataType() == DataType.INT64 ? labels : labels.toType(DataType.INT64, false);
        NDArray logProbs = x.logSoftmax(-1); // (B, T, V)
        NDArray picked = logProbs.gather(index.expandDims(-1), -1); // (B, T, 1)
        return picked.mean().neg();
    }
}
