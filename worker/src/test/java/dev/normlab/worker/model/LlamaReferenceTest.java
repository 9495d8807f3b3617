package dev.normlab.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

/** The DJL model against the independent double-precision loop implementation of HF LLaMA. */
class LlamaReferenceTest {

    @Test
    void fp64LogitsMatchTheNaiveHfLlamaForwardBuiltFromTheHfStateDict() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = TinyModels.randomized(manager, TinyModels.DIMS, DataType.FLOAT64, 0.4, 11);
            long[][] ids = TinyModels.randomTokens(2, 9, TinyModels.DIMS.vocab(), 5);
            double[] djl = TinyModels.logits(model, manager, TinyModels.tokens(manager, ids)).toDoubleArray();
            assertMatchesReference(model, ids, djl, 1e-9);
        }
    }

    @Test
    void fp32LogitsMatchTheReferenceToSinglePrecisionRounding() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = TinyModels.randomized(manager, TinyModels.DIMS, DataType.FLOAT32, 0.4, 12);
            long[][] ids = TinyModels.randomTokens(2, 9, TinyModels.DIMS.vocab(), 6);
            NDArray logits = TinyModels.logits(model, manager, TinyModels.tokens(manager, ids));
            assertThat(logits.getDataType()).isEqualTo(DataType.FLOAT32);
            assertMatchesReference(model, ids, logits.toType(DataType.FLOAT64, false).toDoubleArray(), 1e-4);
        }
    }

    private static void assertMatchesReference(LlamaModel model, long[][] ids, double[] djl, double tolerance) {
        NaiveLlama reference = new NaiveLlama(model.dims(), model.hfStateDict());
        int vocab = model.dims().vocab();
        int seq = ids[0].length;
        double maxAbs = 0;
        double spread = 0;
        for (int b = 0; b < ids.length; b++) {
            double[][] expected = reference.logits(ids[b]);
            for (int t = 0; t < seq; t++) {
                for (int v = 0; v < vocab; v++) {
                    double actual = djl[(b * seq + t) * vocab + v];
                    maxAbs = Math.max(maxAbs, Math.abs(actual - expected[t][v]));
                    spread = Math.max(spread, Math.abs(expected[t][v]));
                }
            }
        }
        assertThat(spread).as("logits are far from zero, so the comparison has power").isGreaterThan(1.0);
        assertThat(maxAbs).isCloseTo(0.0, within(tolerance));
    }
}
