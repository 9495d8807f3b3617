package dev.normlab.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/** Token embedding with HF's (vocab, hidden) {@code weight}: INT64 (B, T) → (B, T, C). */
public final class TokenEmbedding extends AbstractBlock {

    private final Parameter weight;
    private final int vocab;
    private final int hidden;

    public TokenEmbedding(int vocab, int hidden) {
        this.vocab = vocab;
        this.hidden = hidden;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optInitializer(new NormalInitializer((float) Projections.INIT_STD)).build());
    }

    public Parameter weight() {
        return weight;
    }

    @Override
    public void prepare(Shape[] in) {
        weight.setShape(new Shape(vocab, hidden));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] in) {
        return new Shape[] {in[0].add(hidden)};
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
        NDArray tokens = in.singletonOrThrow();
        NDArray w = ps.getValue(weight, tokens.getDevice(), training);
        // torch.embedding: a gather whose backward is a scatter-add into the rows used
        return tokens.getNDArrayInternal().embedding(tokens, w, SparseFormat.DENSE);
    }
}
