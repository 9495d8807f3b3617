package dev.normlab.worker.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/** The decoder layers in order; each child is named {@code decoder_layer} (DJL's index keeps paths unique). */
final class DecoderStack extends AbstractBlock {

    private final List<DecoderLayer> layers = new ArrayList<>();

    DecoderStack(List<DecoderLayer> layers) {
        for (DecoderLayer layer : layers) {
            this.layers.add(addChildBlock("decoder_layer", layer));
        }
    }

    List<DecoderLayer> layers() {
        return List.copyOf(layers);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
        NDList x = in;
        for (DecoderLayer layer : layers) {
            x = layer.forward(ps, x, training);
        }
        return x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        return new Shape[] {in[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
        for (DecoderLayer layer : layers) {
            layer.initialize(manager, dataType, in);
        }
    }
}
