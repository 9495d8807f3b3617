package dev.normlab.worker.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.normlab.api.model.ModelDims;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import tools.jackson.databind.JsonNode;

/** Small models with large random weights, so attention patterns, RoPE and gains all matter. */
final class TinyModels {

    /** hidden 16, 2 heads of 8, SwiGLU 24, 2 layers, vocab 23. */
    static final ModelDims DIMS = new ModelDims(16, 24, 2, 2, 23);

    private TinyModels() {
    }

    /** A model whose every parameter (gains included) is N(0, std²)-random, drawn in Java from {@code seed}. */
    static LlamaModel randomized(NDManager manager, ModelDims dims, DataType type, double std, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        LlamaModel model = new LlamaModel(dims);
        model.initialize(manager, type, new Shape(1, 1));
        Random random = new Random(seed);
        Map<String, NDArray> state = new LinkedHashMap<>();
        try (NDManager scratch = manager.newSubManager()) {
            model.hfStateDict().forEach((name, array) -> {
                double[] values = new double[(int) array.size()];
                boolean gain = array.getShape().dimension() == 1;
                for (int i = 0; i < values.length; i++) {
                    values[i] = (gain ? 1.0 : 0.0) + std * random.nextGaussian();
                }
                state.put(name, scratch.create(values, array.getShape()));
            });
            model.loadHfStateDict(state);
        }
        return model;
    }

    static NDArray logits(LlamaModel model, NDManager manager, NDArray tokens) {
        return model.forward(new ParameterStore(manager, false), new NDList(tokens), false).singletonOrThrow();
    }

    /**
     * Largest |difference| between logits another implementation printed as JSON {@code [batch][position][vocab]}
     * and this model's logits flattened in the same order.
     */
    static double maxAbsDifference(JsonNode other, double[] logits, long[][] ids, int vocab) {
        double maxAbs = 0;
        for (int b = 0; b < ids.length; b++) {
            for (int t = 0; t < ids[b].length; t++) {
                for (int v = 0; v < vocab; v++) {
                    double value = other.get(b).get(t).get(v).asDouble();
                    maxAbs = Math.max(maxAbs, Math.abs(value - logits[(b * ids[b].length + t) * vocab + v]));
                }
            }
        }
        return maxAbs;
    }

    static NDArray tokens(NDManager manager, long[][] ids) {
        return manager.create(ids);
    }

    static long[][] randomTokens(int batch, int seq, int vocab, long seed) {
        Random random = new Random(seed);
        long[][] ids = new long[batch][seq];
        for (long[] row : ids) {
            for (int t = 0; t < seq; t++) {
                row[t] = random.nextInt(vocab);
            }
        }
        return ids;
    }
}
