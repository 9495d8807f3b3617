package dev.normlab.worker.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.normlab.api.model.ModelDims;
import dev.normlab.api.spec.OptimizerSpec;
import dev.normlab.api.spec.ScheduleSpec;
import dev.normlab.optim.RoutedOptimizer;
import dev.normlab.worker.data.BatchSource;
import dev.normlab.worker.model.CausalLmLoss;
import dev.normlab.worker.model.LlamaModel;
import dev.normlab.worker.model.MixedPrecisionStore;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A real model, optimizer and parameter store wired as the trainer wires them, for step-level tests. */
final class TinyTraining implements AutoCloseable {

    static final ModelDims DIMS = new ModelDims(32, 64, 2, 2, 64);

    final NDManager root;
    final LlamaModel model;
    final RoutedOptimizer optimizer;
    final ParameterStore store;
    final List<NDArray> weights;

    /** @param lr a constant learning rate (no warmup, floor = peak) */
    TinyTraining(OptimizerSpec spec, double lr, int seed, Shape inputShape) {
        this(spec, lr, seed, inputShape, false);
    }

    /** @param stackHidden the stacked path of the stateless rules, as the trainer takes it for small models */
    TinyTraining(OptimizerSpec spec, double lr, int seed, Shape inputShape, boolean stackHidden) {
        this(spec, lr, seed, inputShape, stackHidden, DataType.FLOAT32);
    }

    /** @param computeType not FLOAT32: mixed precision, fp32 masters computed in this dtype (MixedPrecisionStore) */
    TinyTraining(OptimizerSpec spec, double lr, int seed, Shape inputShape, boolean stackHidden, DataType computeType) {
        Engine engine = Engine.getInstance();
        EngineThreads.apply(1); // tiny arrays: one thread, no contention on a shared box
        root = engine.newBaseManager(Device.cpu());
        engine.setRandomSeed(seed);
        model = new LlamaModel(DIMS);
        model.initialize(root, DataType.FLOAT32, inputShape);
        LrSchedule constant = new LrSchedule(new ScheduleSpec(0.0, 1.0), 1_000_000, lr);
        optimizer = OptimizerFactory.build(spec, constant, model.getParameters(), root, 0, stackHidden, DataType.FLOAT32);
        store = computeType == DataType.FLOAT32 ? new ParameterStore(root, false) : new MixedPrecisionStore(root, computeType);
        weights = model.getParameters().values().stream().map(Parameter::getArray).toList();
    }

    StepRunner steps(BatchSource source, int gradAccum, double gradClip) {
        return new StepRunner(model, new CausalLmLoss(), store, optimizer, source, weights, root, gradAccum, gradClip);
    }

    /** Copies of every weight by HF name. */
    Map<String, float[]> snapshot() {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        model.hfStateDict().forEach((name, array) -> out.put(name, array.toFloatArray()));
        return out;
    }

    @Override
    public void close() {
        optimizer.close();
        root.close();
    }

    /** Random token blocks of {@code seqLen + 1} tokens, fixed by the seed. */
    static long[][] randomBlocks(int count, int seqLen, int vocab, long seed) {
        Random random = new Random(seed);
        long[][] blocks = new long[count][seqLen + 1];
        for (long[] block : blocks) {
            for (int i = 0; i < block.length; i++) {
                block[i] = random.nextInt(vocab);
            }
        }
        return blocks;
    }

    /** Serves the given blocks in order, {@code batchSize} per batch, wrapping around. */
    static final class FixedBatches implements BatchSource {

        private final long[][] blocks;
        private final int batchSize;
        private long position;

        FixedBatches(long[][] blocks, int batchSize) {
            this.blocks = blocks;
            this.batchSize = batchSize;
        }

        @Override
        public NDList next(NDManager manager) {
            int seqLen = seqLen();
            long[] inputs = new long[batchSize * seqLen];
            long[] labels = new long[batchSize * seqLen];
            for (int b = 0; b < batchSize; b++) {
                long[] block = blocks[(int) ((position * batchSize + b) % blocks.length)];
                System.arraycopy(block, 0, inputs, b * seqLen, seqLen);
                System.arraycopy(block, 1, labels, b * seqLen, seqLen);
            }
            position++;
            Shape shape = new Shape(batchSize, seqLen);
            return new NDList(manager.create(inputs, shape), manager.create(labels, shape));
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public void seek(long newPosition) {
            position = newPosition;
        }

        @Override
        public int batchSize() {
            return batchSize;
        }

        @Override
        public int seqLen() {
            return blocks[0].length - 1;
        }
    }
}
