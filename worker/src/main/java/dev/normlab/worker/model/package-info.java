/**
 * The LLaMA decoder of the GaLore/SWAN/SinkGD harness on DJL, and its HuggingFace interchange.
 *
 * <p>Reads top to bottom: {@link dev.normlab.worker.model.RmsNorm}, {@link dev.normlab.worker.model.SelfAttention}
 * (RoPE tables cached by {@code AttentionTables}; causal attention and SwiGLU's gate are libtorch's fused kernels,
 * which DJL 0.35.1 does not expose, through one-line TorchScript modules: {@code FusedOps}),
 * {@link dev.normlab.worker.model.SwiGluMlp},
 * {@link dev.normlab.worker.model.DecoderLayer}, {@link dev.normlab.worker.model.LlamaModel}; the loss is
 * {@link dev.normlab.worker.model.CausalLmLoss}. Block and parameter names mirror HF's
 * ({@code embed_tokens}, {@code layers}, {@code self_attn.q_proj}, …, {@code lm_head}), which is what
 * {@code ParameterRouter.llamaDefaults()} routes on and what {@link dev.normlab.worker.model.HfCheckpoint}
 * writes ({@code config.json} + {@code model.safetensors} via {@link dev.normlab.worker.model.SafeTensors}).
 */
package dev.normlab.worker.model;
