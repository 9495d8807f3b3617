package dev.normlab.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import dev.normlab.optim.TorchScriptModule;

/**
 * The fused libtorch ops a PyTorch LLaMA uses that DJL 0.35.1's NDArray API lacks, each a one-line TorchScript
 * module ({@link TorchScriptModule}) shared by every layer of a model:
 * <ul>
 *   <li>causal {@code scaled_dot_product_attention}: libtorch's flash-attention kernel, which never materializes the
 *       (T × T) scores and keeps only a log-sum-exp per row for backward;
 *   <li>{@code silu(gate) · up}: SwiGLU's gate in two native ops (with DJL, sigmoid × gate × up is three forward and
 *       more backward).
 * </ul>
 * The modules hold no parameters and no device, so one pair serves any device and dtype.
 */
final class FusedOps implements AutoCloseable {

    private NDManager manager;
    private TorchScriptModule causalAttention;
    private TorchScriptModule siluGate;

    /** Called when the model is initialized: the modules are owned by a sub-manager of {@code parent}. */
    void open(NDManager parent) {
        close();
        manager = parent.newSubManager();
        PtNDManager pt = (PtNDManager) manager; // the PyTorch engine is the only one the worker runs
        causalAttention = TorchScriptModule.tensorFunction(pt, "CausalAttention",
                "torch.scaled_dot_product_attention(q, k, v, None, 0., True)", "q", "k", "v");
        siluGate = TorchScriptModule.tensorFunction(pt, "SiluGate", "torch.mul(torch.silu(gate), up)", "gate", "up");
    }

    /** {@code softmax(q·kᵀ/√hd + causal mask)·v} of (B, nh, T, hd) inputs, any strides; (B, nh, T, hd). */
    NDArray causalAttention(NDArray q, NDArray k, NDArray v) {
        return opened(causalAttention).forward(new NDList(q, k, v)).singletonOrThrow();
    }

    /** {@code silu(gate) ⊙ up}, elementwise. */
    NDArray siluGate(NDArray gate, NDArray up) {
        return opened(siluGate).forward(new NDList(gate, up)).singletonOrThrow();
    }

    private static TorchScriptModule opened(TorchScriptModule module) {
        if (module == null) {
            throw new IllegalStateException("initialize the model before the first forward");
        }
        return module;
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
        manager = null;
        causalAttention = null;
        siluGate = null;
    }
}
