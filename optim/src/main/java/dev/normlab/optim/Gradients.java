package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** The gradient hooks every optimizer here shares: DJL's rescale/clip, and zeroing after use. */
final class Gradients {

    private Gradients() {}

    /**
     * Zeroes the weight's own gradient. DJL hands {@code update} a copy of it; its built-in
     * Adam/Sgd zero the original inside the engine kernel, so a custom update must do it too or
     * gradients silently accumulate across steps.
     */
    static void zero(NDArray weight) {
        if (weight instanceof PtNDArray pt) {
            JniUtils.zeroGrad(pt); // no-op when the weight has no gradient
        } else if (weight.hasGradient()) {
            try (NDArray g = weight.getGradient()) {
                g.muli(0f);
            }
        }
    }

    /**
     * DJL's convention: {@code clip(rescale · grad, ±clip)}, clipping off when {@code clip < 0}.
     * Returns {@code grad} itself when there is nothing to do; otherwise a new array on grad's
     * manager (grad is left untouched: in the stacked path it is not ours to modify).
     */
    static NDArray rescaleAndClip(NDArray grad, float rescale, float clip) {
        NDArray g = grad;
        if (rescale != 1f) {
            g = g.mul(rescale);
        }
        if (clip >= 0f) {
            g = g.clip(-clip, clip); // both sides (DJL's PyTorch kernel only clamps the max)
        }
        return g;
    }
}
