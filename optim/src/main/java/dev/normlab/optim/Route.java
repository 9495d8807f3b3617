package dev.normlab.optim;

import ai.djl.ndarray.types.Shape;

/**
 * Where one parameter goes.
 *
 * @param name DJL parameter path from {@code block.getParameters()}, e.g.
 *     {@code 02layers_01decoder_layer_01self_attn_01q_proj_weight}
 * @param id {@code Parameter.getId()}: what DJL passes to {@code Optimizer.update}
 * @param shape the parameter's shape
 * @param role its role; {@link ParameterRole#OTHER} when no pattern matched
 */
public record Route(String name, String id, Shape shape, ParameterRole role) {

    public long elements() {
        return shape.size();
    }
}
