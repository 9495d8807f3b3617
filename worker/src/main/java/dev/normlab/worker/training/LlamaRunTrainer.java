package dev.normlab.worker.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.normlab.api.model.ModelDims;
import dev.normlab.api.spec.RunSpec;
import dev.normlab.api.worker.FailureKind;
import dev.normlab.api.worker.MeasuredMemory;
import dev.normlab.api.worker.RunSummary;
import dev.normlab.optim.RouteSummary;
import dev.normlab.optim.RoutedOptimizer;
import dev.normlab.worker.data.Tokenizer;
import dev.normlab.worker.data.Tokenizers;
import dev.normlab.worker.data.TrainingData;
import dev.normlab.worker.model.CausalLmLoss;
import dev.normlab.worker.model.HfCheckpoint;
import dev.normlab.worker.model.LlamaModel;
import dev.normlab.worker.model.MixedPrecisionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trains a LLaMA on DJL from a {@link RunSpec}: the CLI's {@code train} and the node agent both run this.
 *
 * <p>Output under {@code outDir}: {@code checkpoints/step-NNNNNN/} (the newest {@link TrainerSettings#keepCheckpoints()}),
 * {@code model/} (the trained model as a HuggingFace checkpoint) and {@code summary.json}.
 */
public final class LlamaRunTrainer implements RunTrainer {

    public static final String CHECKPOINTS = "checkpoints";
    public static final String EXPORTED_MODEL = "model";
    public static final String SUMMARY = "summary.json";

    private static final Logger LOG = LoggerFactory.getLogger(LlamaRunTrainer.class);

    private final TrainerSettings settings;
    private final JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public LlamaRunTrainer(TrainerSettings settings) {
        this.settings = settings;
    }

    @Override
    public TrainingResult train(RunSpec spec, TrainingOptions options) {
        SpecCheck.requireValid(spec);
        try {
            return trainValid(spec, options);
        } catch (TrainingFailedException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            throw Failures.classify(e);
        } catch (IOException e) {
            throw Failures.classify(new UncheckedIOException(e));
        }
    }

    private TrainingResult trainValid(RunSpec spec, TrainingOptions options) throws IOException {
        Engine engine = Engine.getInstance();
        // libtorch's grad mode is per thread and on by default; DJL's gradient collector restores whatever it found,
        // so on a thread other than the one that loaded the engine every in-place update of a weight would fail
        // ("a leaf Variable that requires grad is being used in an in-place operation"). Off, as DJL expects.
        JniUtils.setGradMode(false);
        TrainingDevice target = TrainingDevice.choose(spec, engine);
        if (!target.device().isGpu()) {
            EngineThreads.apply(settings.resolvedThreads());
        }
        Tokenizer tokenizer = Failures.invalidSpecOn("tokenizer",
                () -> Tokenizers.forId(spec.tokenizer(), settings.fileAccess()));
        ModelDims dims = Failures.invalidSpecOn("model", () -> spec.modelDims(tokenizer.vocabSize()));
        if (dims.vocab() < tokenizer.vocabSize()) {
            throw new TrainingFailedException(FailureKind.INVALID_SPEC, "model.vocab: " + dims.vocab()
                    + " is smaller than the " + tokenizer.id() + " tokenizer's vocabulary of " + tokenizer.vocabSize());
        }
        LlamaModel model = Failures.invalidSpecOn("model",
                () -> new LlamaModel(dims, Math.max(LlamaModel.DEFAULT_MAX_POSITIONS, spec.seqLen())));
        TrainingData data = Failures.invalidSpecOn("data", () -> TrainingData.open(spec.data(), tokenizer,
                spec.seqLen(), spec.batchSize(), spec.seed(), settings.cacheRoot(), settings.fileAccess()));
        Path resumeFrom = options.resumeFrom();
        TrainingState start = resumeFrom != null ? resumableState(spec, resumeFrom) : fresh(spec);
        Files.createDirectories(options.outDir());

        try (data; NDManager root = engine.newBaseManager(target.device())) {
            // before the first array on the device: the baseline of the peak device memory
            MemoryAccounting.DevicePeakMemory devicePeak = MemoryAccounting.DevicePeakMemory.start(target.device());
            engine.setRandomSeed(Long.hashCode(spec.seed())); // model init draws from the engine's RNG
            // fp32 master weights in every precision; bf16 is a compute type (MixedPrecisionStore), never a cast model
            model.initialize(root, DataType.FLOAT32, new Shape(spec.batchSize(), spec.seqLen()));
            long total = spec.totalSteps();
            LrSchedule schedule = new LrSchedule(spec.schedule(), total, spec.optimizer().lr());
            try (RoutedOptimizer optimizer = OptimizerFactory.build(spec.optimizer(), schedule,
                    model.getParameters(), root, Math.toIntExact(start.step()), OptimizerFactory.stacksHidden(target.device(), dims),
                    target.computeType())) {
                CheckpointFiles files = new CheckpointFiles(model, optimizer, json);
                if (resumeFrom != null) {
                    files.restore(resumeFrom, root);
                    data.train().seek(start.trainBatches());
                }
                ParameterStore store = target.computeType() == DataType.FLOAT32 ? new ParameterStore(root, false)
                        : new MixedPrecisionStore(root, target.computeType());
                List<NDArray> weights = model.getParameters().values().stream().map(Parameter::getArray).toList();
                logStart(spec, model, optimizer, target, data, start);

                CausalLmLoss loss = new CausalLmLoss();
                StepRunner steps = new StepRunner(model, loss, store, optimizer, data.train(), weights, root, spec.gradAccum(), spec.gradClip());
                Evaluator evaluator = new Evaluator(model, loss, store, data.heldOut(), root, spec.evalBatches());
                CheckpointStore checkpoints = new CheckpointStore(options.outDir().resolve(CHECKPOINTS), settings.keepCheckpoints());
                checkpoints.pin(resumeFrom); // what the backend knows until this attempt reports a newer one
                TrainingLoop loop = new TrainingLoop(spec, schedule, steps, evaluator, new FiniteMetrics(options.metrics()),
                        state -> {
                            Path dir = checkpoints.write(state.step(), d -> files.write(d, state));
                            if (options.checkpoints().written(state.step(), dir)) {
                                checkpoints.pin(dir);
                            }
                            return dir;
                        },
                        options.stopRequested(), devicePeak, () -> data.train().position());

                TrainingLoop.Outcome outcome = loop.run(start, resumeFrom);
                if (!outcome.stoppedEarly()) {
                    HfCheckpoint.save(model, options.outDir().resolve(EXPORTED_MODEL));
                }
                MeasuredMemory memory = new MemoryAccounting(model.getParameters(), optimizer, devicePeak).measure();
                RunSummary summary = summarize(outcome, memory);
                json.writeValue(options.outDir().resolve(SUMMARY).toFile(), summary);
                return new TrainingResult(summary, outcome.stoppedEarly(), outcome.lastCheckpoint());
            }
        }
    }

    private static TrainingState fresh(RunSpec spec) {
        return new TrainingState(0, 0, 0, 0, spec.seed(), spec.totalSteps(), spec.optimizer().name(), null, null);
    }

    private TrainingState resumableState(RunSpec spec, Path checkpoint) {
        TrainingState state = CheckpointFiles.readState(checkpoint, json);
        if (state.totalSteps() != spec.totalSteps() || !spec.optimizer().name().equals(state.optimizer())
                || state.seed() != spec.seed()) {
            throw new TrainingFailedException(FailureKind.INVALID_SPEC, "resume: " + checkpoint + " is of another run (steps "
                    + state.totalSteps() + ", optimizer " + state.optimizer() + ", seed " + state.seed() + "), this spec has steps "
                    + spec.totalSteps() + ", optimizer " + spec.optimizer().name() + ", seed " + spec.seed());
        }
        return state;
    }

    private static RunSummary summarize(TrainingLoop.Outcome outcome, MeasuredMemory memory) {
        TrainingState s = outcome.state();
        Double perplexity = s.lastEvalLoss() != null ? Math.exp(s.lastEvalLoss()) : null;
        Double tokensPerSecond = outcome.attemptStepSeconds() > 0 ? outcome.attemptTokens() / outcome.attemptStepSeconds() : null;
        return new RunSummary(s.lastTrainLoss(), s.lastEvalLoss(), finite(perplexity), tokensPerSecond, s.step(), s.tokens(),
                s.seconds(), memory);
    }

    private static Double finite(Double value) {
        return value != null && Double.isFinite(value) ? value : null;
    }

    private void logStart(RunSpec spec, LlamaModel model, RoutedOptimizer optimizer, TrainingDevice target,
            TrainingData data, TrainingState start) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder routes = new StringBuilder();
        for (RouteSummary r : optimizer.summary()) {
            routes.append(String.format("%n  %-60s %-16s %-14s %s", r.name(), r.shape(), r.role(), r.rule()));
        }
        LOG.info(String.format(
                "%s on %s (%s, %d intra-op threads)%n%s%n%d steps x %,d tokens (batch %d x gradAccum %d x seqLen %d);"
                        + " %,d training tokens in the corpus; %s from step %d%nrouting:%s",
                spec.optimizer().name(), target.device(),
                target.computeType() == DataType.FLOAT32 ? "fp32" : "mixed precision: " + target.computeType() + " compute, fp32 weights", EngineThreads.current(), model.describe(),
                spec.totalSteps(), spec.tokensPerStep(), spec.batchSize(), spec.gradAccum(), spec.seqLen(),
                data.trainTokens(), start.step() > 0 ? "resuming" : "starting", start.step(), routes));
    }
}
