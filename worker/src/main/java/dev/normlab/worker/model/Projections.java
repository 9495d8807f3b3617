package dev.normlab.worker.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.NormalInitializer;

/** The bias-free projections of the decoder; DJL's Linear keeps HF's (out, in) weight layout. */
final class Projections {

    /** Weight init of the reference (HF {@code initializer_range}). */
    static final double INIT_STD = 0.02;

    private Projections() {
    }

    static Linear linear(int outFeatures) {
        Linear linear = Linear.builder().setUnits(outFeatures).optBias(false).build();
        linear.setInitializer(new NormalInitializer((float) INIT_STD), Parameter.Type.WEIGHT);
        return linear;
    }

    /** {@code shape} with its last dimension replaced. */
    static Shape withLast(Shape shape, long last) {
        return shape.slice(0, shape.dimension() - 1).add(last);
    }
}
