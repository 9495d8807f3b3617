package dev.normlab.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.normlab.api.model.ModelDims;
import org.junit.jupiter.api.Test;

class LlamaModelTest {

    private static final ModelDims TINY = new ModelDims(32, 48, 4, 2, 50);

    @Test
    void forwardMapsTokensToLogitsPerPositionAndLossAtInitIsNearLnVocab() {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = new LlamaModel(TINY);
            model.initialize(manager, DataType.FLOAT32, new Shape(2, 16));
            NDArray tokens = manager.randomInteger(0, TINY.vocab(), new Shape(2, 16), DataType.INT64);
            NDArray logits = model.forward(new ParameterStore(manager, false), new NDList(tokens), false).singletonOrThrow();
            assertThat(logits.getShape()).isEqualTo(new Shape(2, 16, TINY.vocab()));
            assertThat(logits.getDataType()).isEqualTo(DataType.FLOAT32);
            NDArray labels = manager.randomInteger(0, TINY.vocab(), new Shape(2, 16), DataType.INT64);
            float loss = CausalLmLoss.meanCrossEntropy(logits, labels).getFloat();
            // std-0.02 weights give near-uniform predictions: loss ≈ ln V within a few hundredths
            assertThat((double) loss).isCloseTo(Math.log(TINY.vocab()), within(0.05));
        }
    }
}
