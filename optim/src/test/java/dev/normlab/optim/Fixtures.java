package dev.normlab.optim;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.function.Function;

/** Trainer plumbing shared by the optimizer tests. */
final class Fixtures {

    static final int IN = 12;
    static final int HIDDEN = 16;
    static final int INTER = 24;
    static final int LAYERS = 2;
    static final int OUT = 10;

    private Fixtures() {}

    static Model miniLlamaModel() {
        Model model = Model.newInstance("mini-llama");
        model.setBlock(new MiniLlama(HIDDEN, INTER, LAYERS, OUT));
        model.getBlock().initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, IN));
        return model;
    }

    /** A trainer whose optimizer is built from the (initialized) block's parameters. */
    static Trainer trainer(Model model, Function<Block, Optimizer> optimizer, Shape input) {
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                .optOptimizer(optimizer.apply(model.getBlock()))
                .optDevices(new Device[] {Device.cpu()});
        Trainer trainer = model.newTrainer(config);
        trainer.initialize(input);
        return trainer;
    }

    /** Forward, backward, step; returns the loss before the step. */
    static float step(Trainer trainer, NDArray x, NDArray y) {
        float loss;
        try (GradientCollector gc = trainer.newGradientCollector()) {
            NDArray pred = trainer.forward(new NDList(x)).singletonOrThrow();
            NDArray l = trainer.getLoss().evaluate(new NDList(y), new NDList(pred));
            gc.backward(l);
            loss = l.getFloat();
        }
        trainer.step();
        return loss;
    }

    static float loss(Trainer trainer, NDArray x, NDArray y) {
        NDArray pred = trainer.evaluate(new NDList(x)).singletonOrThrow();
        return trainer.getLoss().evaluate(new NDList(y), new NDList(pred)).getFloat();
    }

    /** Copies every parameter value of {@code from} into {@code to} (same architecture). */
    static void copyParameters(Block from, Block to) {
        var src = from.getParameters();
        var dst = to.getParameters();
        for (int i = 0; i < src.size(); i++) {
            Pair<String, Parameter> s = src.get(i);
            dst.get(i).getValue().getArray().set(s.getValue().getArray().toFloatArray());
        }
    }

    static RoutedOptimizer routed(Block block, Optimizer hidden, float adamLr, boolean stack) {
        return RoutedOptimizer.builder()
                .setParameters(block.getParameters())
                .setHiddenRule(hidden)
                .setAdamW(AdamW.builder().setLearningRateTracker(Tracker.fixed(adamLr)).build())
                .optStackHidden(stack)
                .build();
    }
}
