package dev.normlab.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import java.util.Arrays;
import java.util.List;

/**
 * libtorch's fused multi-tensor AdamW ({@code torch._fused_adamw_}, the kernel behind {@code torch.optim.AdamW(fused=True)}),
 * reached through a TorchScript module: one native call updates every listed parameter and both of its moments in a
 * single vectorized pass, where DJL 0.35.1's {@code adamUpdate} copies the gradient and makes about a dozen passes
 * with seven temporaries per parameter.
 *
 * <pre>
 * w ← w·(1 − lr·wd) ; m ← lerp(m, g, 1 − b1) ; v ← b2·v + (1 − b2)·g²
 * w ← w − (lr / (1 − b1^t)) · m / (√v / √(1 − b2^t) + eps)
 * </pre>
 */
final class FusedAdamWKernel {

    private static final String FORWARD = """
            ,
                params: List[Tensor],
                grads: List[Tensor],
                exp_avgs: List[Tensor],
                exp_avg_sqs: List[Tensor],
                state_steps: List[Tensor],
                lr: float,
                beta1: float,
                beta2: float,
                weight_decay: float,
                eps: float) -> None:
                torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, annotate(List[Tensor], []), state_steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False, grad_scale=None, found_inf=None)
                return None
            """;

    private final TorchScriptModule module;
    private final NDManager manager;

    /** @param manager owns the module (closed with it) */
    FusedAdamWKernel(NDManager manager) {
        this.manager = manager;
        this.module = TorchScriptModule.load((PtNDManager) manager, "FusedAdamW", FORWARD);
    }

    /**
     * One AdamW step of every listed parameter in place, all at bias-correction step {@code t} and learning rate
     * {@code lr}; the gradients are read, not changed.
     */
    void step(List<NDArray> weights, List<NDArray> grads, List<NDArray> expAvgs, List<NDArray> expAvgSqs, int t,
            float lr, float beta1, float beta2, float weightDecay, float eps) {
        try (NDArray step = manager.full(new Shape(), t, DataType.FLOAT32)) {
            PtNDArray[] steps = new PtNDArray[weights.size()];
            Arrays.fill(steps, (PtNDArray) step); // one step tensor read by every parameter
            try (IValue w = list(weights); IValue g = list(grads); IValue m = list(expAvgs); IValue v = list(expAvgSqs);
                    IValue s = IValue.listFrom(steps); IValue lrValue = IValue.from((double) lr);
                    IValue b1 = IValue.from((double) beta1); IValue b2 = IValue.from((double) beta2);
                    IValue wd = IValue.from((double) weightDecay); IValue e = IValue.from((double) eps)) {
                module.run(w, g, m, v, s, lrValue, b1, b2, wd, e);
            }
        }
    }

    private static IValue list(List<NDArray> arrays) {
        return IValue.listFrom(arrays.stream().map(a -> (PtNDArray) a).toArray(PtNDArray[]::new));
    }
}
