package dev.normlab.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties of the model that hold whatever the weights: causality, RoPE, gradients, loss. */
class LlamaPropertiesTest {

    @Test
    void changingLaterTokensLeavesEarlierLogitsUnchanged() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = TinyModels.randomized(manager, TinyModels.DIMS, DataType.FLOAT32, 0.4, 21);
            int seq = 10;
            int cut = 4;
            long[][] a = TinyModels.randomTokens(2, seq, TinyModels.DIMS.vocab(), 1);
            long[][] b = new long[2][];
            for (int i = 0; i < 2; i++) {
                b[i] = a[i].clone();
                for (int t = cut + 1; t < seq; t++) {
                    b[i][t] = (a[i][t] + 1 + t) % TinyModels.DIMS.vocab();
                }
            }
            NDArray la = TinyModels.logits(model, manager, TinyModels.tokens(manager, a));
            NDArray lb = TinyModels.logits(model, manager, TinyModels.tokens(manager, b));
            double before = la.get(":, :" + (cut + 1)).sub(lb.get(":, :" + (cut + 1))).abs().max().getFloat();
            double after = la.get(":, " + (cut + 1) + ":").sub(lb.get(":, " + (cut + 1) + ":")).abs().max().getFloat();
            assertThat(before).isLessThan(1e-6);
            assertThat(after).as("later positions do see the change").isGreaterThan(1e-2);
        }
    }

    @Test
    void aForwardLeavesNoAttentionScoresOrOtherPerLayerIntermediatesAlive() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = TinyModels.randomized(manager, TinyModels.DIMS, DataType.FLOAT32, 0.4, 22);
            int seq = 12;
            for (boolean training : new boolean[] {false, true}) {
                try (NDManager step = manager.newSubManager();
                        GradientCollector gc = training ? Engine.getInstance().newGradientCollector() : null) {
                    NDArray tokens = TinyModels.tokens(step, TinyModels.randomTokens(2, seq, TinyModels.DIMS.vocab(), 4));
                    NDArray logits = model.forward(new ParameterStore(step, false), new NDList(tokens), training)
                            .singletonOrThrow();
                    List<NDArray> live = step.getManagedArrays();
                    // each layer closes its q, k, v, (B, nh, T, T) scores and MLP activations on return
                    // (under a collector autograd keeps what backward needs natively, as PyTorch eager)
                    assertThat(live).as("training=" + training).noneMatch(a -> a.getShape().dimension() == 4);
                    // tokens, the embedding, one residual stream per layer, the final norm and the logits
                    assertThat(live).as("training=" + training).hasSize(1 + 1 + TinyModels.DIMS.layers() + 1 + 1)
                            .contains(logits, tokens);
                    if (training) {
                        gc.backward(CausalLmLoss.meanCrossEntropy(logits, tokens));
                    }
                }
            }
        }
    }

    @Test
    void ropeMakesQueryKeyProductsDependOnlyOnThePositionDifference() {
        int headDim = 8;
        int seq = 12;
        AttentionTables tables = new AttentionTables(headDim, LlamaModel.ROPE_THETA);
        try (NDManager manager = NDManager.newBaseManager()) {
            tables.open(manager);
            Random random = new Random(3);
            double[] q = new double[headDim];
            double[] k = new double[headDim];
            for (int i = 0; i < headDim; i++) {
                q[i] = random.nextGaussian();
                k[i] = random.nextGaussian();
            }
            // the same q and k vector at every position, shaped (B=1, T, nh=1, hd)
            NDArray qs = manager.create(q).tile(seq).reshape(1, seq, 1, headDim);
            NDArray ks = manager.create(k).tile(seq).reshape(1, seq, 1, headDim);
            AttentionTables.Rope rope = tables.rope(seq, Device.cpu(), DataType.FLOAT64);
            NDArray qr = SelfAttention.rotate(qs, rope.cos(), rope.sinSigned()).reshape(seq, headDim);
            NDArray kr = SelfAttention.rotate(ks, rope.cos(), rope.sinSigned()).reshape(seq, headDim);
            double[] dots = qr.matMul(kr.transpose()).toDoubleArray(); // [m][n] = q_m · k_n
            double spread = 0;
            for (int m = 0; m + 1 < seq; m++) {
                for (int n = 0; n + 1 < seq; n++) {
                    assertThat(dots[(m + 1) * seq + n + 1]).isCloseTo(dots[m * seq + n], within(1e-12));
                    spread = Math.max(spread, Math.abs(dots[m * seq + n] - dots[0]));
                }
            }
            assertThat(spread).as("the product does change with the offset").isGreaterThan(0.1);
            // a rotation: norms are kept at every position
            double qNorm = Math.sqrt(manager.create(q).square().sum().getDouble());
            double[] rotatedNorms = qr.square().sum(new int[] {1}).sqrt().toDoubleArray();
            for (double norm : rotatedNorms) {
                assertThat(norm).isCloseTo(qNorm, within(1e-12));
            }
        } finally {
            tables.close();
        }
    }

    @Test
    void fp64GradientsMatchCentralFiniteDifferencesForEveryParameterKind() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = TinyModels.randomized(manager, TinyModels.DIMS, DataType.FLOAT64, 0.3, 31);
            NDArray tokens = TinyModels.tokens(manager, TinyModels.randomTokens(2, 6, TinyModels.DIMS.vocab(), 2));
            NDArray labels = TinyModels.tokens(manager, TinyModels.randomTokens(2, 6, TinyModels.DIMS.vocab(), 3));
            ParameterStore ps = new ParameterStore(manager, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(ps, new NDList(tokens), true).singletonOrThrow();
                gc.backward(CausalLmLoss.meanCrossEntropy(logits, labels));
            }
            Map<String, Parameter> params = model.hfParameters();
            List<String> checked = List.of("model.embed_tokens.weight",
                    "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight",
                    "model.layers.1.self_attn.v_proj.weight", "model.layers.1.self_attn.o_proj.weight",
                    "model.layers.0.mlp.gate_proj.weight", "model.layers.1.mlp.up_proj.weight",
                    "model.layers.0.mlp.down_proj.weight", "model.layers.0.input_layernorm.weight",
                    "model.layers.1.post_attention_layernorm.weight", "model.norm.weight", "lm_head.weight");
            Random random = new Random(4);
            long[][] ids = TinyModels.randomTokens(2, 6, TinyModels.DIMS.vocab(), 2);
            double h = 1e-5;
            for (String name : checked) {
                NDArray w = params.get(name).getArray();
                double[] grad = w.getGradient().toDoubleArray();
                double[] values = w.toDoubleArray();
                for (int probe = 0; probe < 3; probe++) {
                    // embedding rows of unused tokens have zero gradient: probe a used row
                    int i = name.contains("embed_tokens")
                            ? (int) ids[probe % 2][probe] * TinyModels.DIMS.hidden() + random.nextInt(TinyModels.DIMS.hidden())
                            : random.nextInt(values.length);
                    double saved = values[i];
                    values[i] = saved + h;
                    w.set(values);
                    double up = loss(model, manager, tokens, labels);
                    values[i] = saved - h;
                    w.set(values);
                    double down = loss(model, manager, tokens, labels);
                    values[i] = saved;
                    w.set(values);
                    double numeric = (up - down) / (2 * h);
                    assertThat(grad[i]).as("d loss / d %s[%d]", name, i).isCloseTo(numeric, within(1e-8 + 1e-6 * Math.abs(numeric)));
                    assertThat(Math.abs(numeric)).as("%s[%d] has a gradient to check", name, i).isGreaterThan(1e-7);
                }
            }
        }
    }

    private static double loss(LlamaModel model, NDManager manager, NDArray tokens, NDArray labels) {
        try (NDManager step = manager.newSubManager()) {
            NDArray logits = TinyModels.logits(model, step, tokens);
            logits.attach(step);
            return CausalLmLoss.meanCrossEntropy(logits, labels).getDouble();
        }
    }

    @Test
    void lossEqualsLogSumExpMinusTheLabelLogitEvenForHugeLogits() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Random random = new Random(9);
            int b = 2;
            int t = 3;
            int v = 5;
            float[] logits = new float[b * t * v];
            long[] labels = new long[b * t];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (1000 + 50 * random.nextGaussian()); // exp() would overflow float
            }
            double expected = 0;
            for (int r = 0; r < b * t; r++) {
                labels[r] = random.nextInt(v);
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) {
                    max = Math.max(max, logits[r * v + j]);
                }
                double z = 0;
                for (int j = 0; j < v; j++) {
                    z += Math.exp(logits[r * v + j] - max);
                }
                expected += max + Math.log(z) - logits[r * v + (int) labels[r]];
            }
            expected /= b * t;
            NDArray loss = new CausalLmLoss().evaluate(new NDList(manager.create(labels, new Shape(b, t))),
                    new NDList(manager.create(logits, new Shape(b, t, v))));
            assertThat(loss.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(loss.getShape()).isEqualTo(new Shape());
            assertThat((double) loss.getFloat()).isCloseTo(expected, within(1e-3));
        }
    }
}
