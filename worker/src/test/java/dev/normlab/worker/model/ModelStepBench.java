package dev.normlab.worker.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.normlab.api.model.ModelPreset;
import java.util.Arrays;

/**
 * Forward + backward time of the bare model (no optimizer, no data loading), for docs/benchmarks.md.
 * Not a test. Args: preset batch seq steps [vocab, default 257]. Run via the command in docs/benchmarks.md.
 */
public final class ModelStepBench {

    public static void main(String[] args) {
        String preset = args.length > 0 ? args[0] : "nano";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int seq = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int vocab = args.length > 4 ? Integer.parseInt(args[4]) : 257;
        var dims = ModelPreset.byId(preset).orElseThrow().dims(vocab);
        Engine.getInstance().setRandomSeed(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaModel model = new LlamaModel(dims);
            model.initialize(manager, DataType.FLOAT32, new Shape(batch, seq));
            ParameterStore ps = new ParameterStore(manager, false);
            double[] ms = new double[steps];
            double[] fwd = new double[steps];
            for (int s = 0; s < steps; s++) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = step.randomInteger(0, dims.vocab(), new Shape(batch, seq), DataType.INT64);
                    NDArray y = step.randomInteger(0, dims.vocab(), new Shape(batch, seq), DataType.INT64);
                    long t0 = System.nanoTime();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = model.forward(ps, new NDList(x), true).singletonOrThrow();
                        NDArray loss = CausalLmLoss.meanCrossEntropy(logits, y);
                        fwd[s] = (System.nanoTime() - t0) / 1e6;
                        gc.backward(loss);
                        loss.getFloat();
                    }
                    ms[s] = (System.nanoTime() - t0) / 1e6;
                    model.getParameters().values().forEach(p -> p.getArray().getGradient().subi(p.getArray().getGradient()));
                }
            }
            double[] tail = Arrays.copyOfRange(ms, Math.min(3, steps - 1), steps);
            Arrays.sort(tail);
            double median = tail[tail.length / 2];
            double[] fwdTail = Arrays.copyOfRange(fwd, Math.min(3, steps - 1), steps);
            Arrays.sort(fwdTail);
            System.out.printf("forward median %.1f ms%n", fwdTail[fwdTail.length / 2]);
            System.out.printf("djl %s %dx%d median fwd+bwd %.1f ms (best %.1f), %.0f tokens/s%n", preset, batch, seq,
                    median, tail[0], batch * seq / (median / 1e3));
        }
    }
}
