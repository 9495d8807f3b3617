package dev.normlab.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** Why {@link Casts} exists: DJL 0.35.1's toType is invisible to autograd, the in-place add is not. */
class CastsTest {

    @Test
    void djlsToTypeCutsTheGraphSoAHalfModelsLossCouldNotBackpropagate() {
        try (NDManager m = Engine.getInstance().newBaseManager()) {
            NDArray w = m.create(new float[] {1f, 2f, 3f}).toType(DataType.FLOAT16, false);
            w.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = w.mul(w).toType(DataType.FLOAT32, false).sum(); // the old CausalLmLoss cast
                assertThatThrownBy(() -> gc.backward(loss)).isInstanceOf(EngineException.class)
                        .hasMessageContaining("does not require grad");
            }
        }
    }

    @Test
    void theDifferentiableCastCarriesTheGradientBackInTheInputsDtype() {
        try (NDManager m = Engine.getInstance().newBaseManager()) {
            for (DataType half : new DataType[] {DataType.FLOAT16, DataType.FLOAT32}) {
                NDArray w = m.create(new double[] {1, 2, 3}).toType(half == DataType.FLOAT32 ? DataType.FLOAT64 : DataType.FLOAT32, false);
                w.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray down = Casts.differentiable(w, half); // master -> compute type
                    assertThat(down.getDataType()).isEqualTo(half);
                    NDArray up = Casts.differentiable(down.mul(down), w.getDataType()); // and back for the loss
                    gc.backward(up.sum());
                }
                NDArray g = w.getGradient();
                assertThat(g.getDataType()).isEqualTo(w.getDataType());
                assertThat(g.toType(DataType.FLOAT64, false).toDoubleArray()).containsExactly(2, 4, 6); // d(w²)/dw
                assertThat(Casts.differentiable(w, w.getDataType())).isSameAs(w);
            }
        }
    }
}
