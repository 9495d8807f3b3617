package dev.normlab.worker.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * Global gradient-norm clipping, as {@code torch.nn.utils.clip_grad_norm_}: the L2 norm over every gradient
 * together; when it exceeds {@code maxNorm}, every gradient is scaled by {@code maxNorm / (norm + 1e-6)}.
 */
final class GradientClipping {

    private static final double EPS = 1e-6;

    private GradientClipping() {
    }

    /**
     * @param weights parameters whose gradients were just computed
     * @param maxNorm the clip; {@code <= 0} only measures
     * @param scope owns the gradient handles and temporaries (closed by the caller)
     * @return the global norm before clipping
     */
    static double clip(List<NDArray> weights, double maxNorm, NDManager scope) {
        List<NDArray> grads = new ArrayList<>(weights.size());
        NDList norms = new NDList(weights.size());
        for (NDArray w : weights) {
            if (!w.hasGradient()) {
                continue;
            }
            NDArray g = w.getGradient(); // a new handle on the live gradient: hand it to the scope
            g.attach(scope);
            grads.add(g);
            norms.add(g.toType(DataType.FLOAT32, false).norm()); // one reduction, no squared copy of g
        }
        if (grads.isEmpty()) {
            return 0;
        }
        double norm = NDArrays.stack(norms).norm().getFloat(); // device sync: once per step
        if (maxNorm > 0 && norm > maxNorm) {
            float factor = (float) (maxNorm / (norm + EPS));
            for (NDArray g : grads) {
                g.muli(factor); // in place: the optimizers read these gradients
            }
        }
        return norm;
    }
}
