package dev.normlab.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.normlab.api.model.ModelDims;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * The test oracle: HuggingFace LlamaForCausalLM's forward written out in plain double loops over
 * an HF-named state dict (row-major (out, in) matrices, rotate_half RoPE), sharing no code with
 * the DJL model.
 */
final class NaiveLlama {

    private static final double EPS = 1e-6;
    private static final double THETA = 10_000.0;

    private final ModelDims d;
    private final Map<String, double[]> w = new HashMap<>();

    NaiveLlama(ModelDims dims, Map<String, NDArray> hfState) {
        this.d = dims;
        hfState.forEach((name, array) -> w.put(name, array.toType(DataType.FLOAT64, true).toDoubleArray()));
    }

    /** Logits [t][vocab] of one sequence. */
    double[][] logits(long[] tokens) {
        int n = tokens.length;
        int h = d.hidden();
        double[][] x = new double[n][];
        double[] emb = w.get("model.embed_tokens.weight");
        for (int t = 0; t < n; t++) {
            x[t] = new double[h];
            System.arraycopy(emb, (int) tokens[t] * h, x[t], 0, h);
        }
        for (int l = 0; l < d.layers(); l++) {
            String p = "model.layers." + l + ".";
            double[][] a = attention(rmsNorm(x, w.get(p + "input_layernorm.weight")), p);
            for (int t = 0; t < n; t++) {
                for (int c = 0; c < h; c++) {
                    x[t][c] += a[t][c];
                }
            }
            double[][] hn = rmsNorm(x, w.get(p + "post_attention_layernorm.weight"));
            for (int t = 0; t < n; t++) {
                double[] g = matVec(w.get(p + "mlp.gate_proj.weight"), d.intermediate(), h, hn[t]);
                double[] u = matVec(w.get(p + "mlp.up_proj.weight"), d.intermediate(), h, hn[t]);
                double[] m = new double[d.intermediate()];
                for (int i = 0; i < m.length; i++) {
                    m[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                }
                double[] down = matVec(w.get(p + "mlp.down_proj.weight"), h, d.intermediate(), m);
                for (int c = 0; c < h; c++) {
                    x[t][c] += down[c];
                }
            }
        }
        double[][] xn = rmsNorm(x, w.get("model.norm.weight"));
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            out[t] = matVec(w.get("lm_head.weight"), d.vocab(), h, xn[t]);
        }
        return out;
    }

    private double[][] attention(double[][] x, String p) {
        int n = x.length;
        int h = d.hidden();
        int hd = d.headDim();
        double[][] q = new double[n][];
        double[][] k = new double[n][];
        double[][] v = new double[n][];
        for (int t = 0; t < n; t++) {
            q[t] = rope(matVec(w.get(p + "self_attn.q_proj.weight"), h, h, x[t]), t);
            k[t] = rope(matVec(w.get(p + "self_attn.k_proj.weight"), h, h, x[t]), t);
            v[t] = matVec(w.get(p + "self_attn.v_proj.weight"), h, h, x[t]);
        }
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            double[] y = new double[h];
            for (int head = 0; head < d.heads(); head++) {
                int o = head * hd;
                double[] qt = q[t];
                double[] weights = causalSoftmax(t, j -> {
                    double dot = 0;
                    for (int i = 0; i < hd; i++) {
                        dot += qt[o + i] * k[j][o + i];
                    }
                    return dot / Math.sqrt(hd);
                });
                for (int j = 0; j <= t; j++) {
                    for (int i = 0; i < hd; i++) {
                        y[o + i] += weights[j] * v[j][o + i];
                    }
                }
            }
            out[t] = matVec(w.get(p + "self_attn.o_proj.weight"), h, h, y);
        }
        return out;
    }

    /** Causal attention weights of position {@code t}: the softmax over {@code j ≤ t} of {@code score(j)}. */
    static double[] causalSoftmax(int t, IntToDoubleFunction score) {
        double[] s = new double[t + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j <= t; j++) {
            s[j] = score.applyAsDouble(j);
            max = Math.max(max, s[j]);
        }
        double z = 0;
        for (int j = 0; j <= t; j++) {
            s[j] = Math.exp(s[j] - max);
            z += s[j];
        }
        for (int j = 0; j <= t; j++) {
            s[j] /= z;
        }
        return s;
    }

    /** HF apply_rotary_pos_emb per head: x·cos + rotate_half(x)·sin, rotate_half([a, b]) = [-b, a]. */
    private double[] rope(double[] x, int pos) {
        int hd = d.headDim();
        int half = hd / 2;
        double[] out = new double[x.length];
        for (int head = 0; head < d.heads(); head++) {
            int o = head * hd;
            for (int i = 0; i < hd; i++) {
                double angle = pos / Math.pow(THETA, 2.0 * (i % half) / hd);
                double rotated = i < half ? -x[o + i + half] : x[o + i - half];
                out[o + i] = x[o + i] * Math.cos(angle) + rotated * Math.sin(angle);
            }
        }
        return out;
    }

    private static double[][] rmsNorm(double[][] x, double[] gain) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double ss = 0;
            for (double v : x[t]) {
                ss += v * v;
            }
            double inv = 1 / Math.sqrt(ss / x[t].length + EPS);
            out[t] = new double[x[t].length];
            for (int c = 0; c < x[t].length; c++) {
                out[t][c] = gain[c] * x[t][c] * inv;
            }
        }
        return out;
    }

    /** W (rows × cols, row-major) · x. */
    private static double[] matVec(double[] weight, int rows, int cols, double[] x) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += weight[r * cols + c] * x[c];
            }
            out[r] = s;
        }
        return out;
    }
}
