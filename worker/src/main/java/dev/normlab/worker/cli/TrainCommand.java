package dev.normlab.worker.cli;

import dev.normlab.api.spec.RunSpec;
import dev.normlab.worker.training.LlamaRunTrainer;
import dev.normlab.worker.training.MetricSink;
import dev.normlab.worker.training.TrainerSettings;
import dev.normlab.worker.training.TrainingFailedException;
import dev.normlab.worker.training.TrainingOptions;
import dev.normlab.worker.training.TrainingResult;
import dev.normlab.worker.training.TrainingState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** {@code train}: runs one spec on this machine, without a backend. */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Trains one run spec on this machine, without a backend.",
            "Writes <out>/metrics.jsonl (one metric point per line), <out>/checkpoints/step-NNNNNN/ (the newest 2),"
                    + " <out>/model/ (a HuggingFace checkpoint) and <out>/summary.json, and prints the summary to stdout."
                    + " Ctrl-C stops after the current step with a checkpoint that --resume continues from.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (or stopped by a signal after its checkpoint)",
            "1:training failed (e.g. a non-finite loss)",
            "2:bad usage or an invalid spec (the message names the field)",
            "3:out of memory",
        })
final class TrainCommand implements Callable<Integer> {

    static final String METRICS = "metrics.jsonl";

    @Option(names = "--spec", required = true, paramLabel = "FILE",
            description = "Run spec (JSON, the backend's RunSpec); unknown fields are errors.")
    private Path specFile;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder (default: runs/<spec name or file name>).")
    private Path out;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue from a checkpoint folder (checkpoints/step-NNNNNN), or from the newest checkpoint of an"
                    + " output folder. The spec must be the same run.")
    private Path resume;

    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch intra-op threads on CPU (default: one per available core).")
    private Integer threads;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Where token caches of the built-in corpus go (default: ~/.normlab/cache).")
    private Path cache;

    @Option(names = "--progress-every", paramLabel = "SECONDS", defaultValue = "10",
            description = "Seconds between progress lines when stderr is not a terminal (default: ${DEFAULT-VALUE}).")
    private int progressEverySeconds;

    private final PrintStream stdout = System.out;
    private final PrintStream stderr = System.err;

    @Override
    public Integer call() throws IOException {
        RunSpec spec;
        Path checkpoint;
        try {
            spec = new SpecReader().read(specFile);
            if (threads != null && threads < 1) {
                throw new InvalidSpecException("--threads: must be >= 1, got " + threads);
            }
            checkpoint = resume != null ? resolveCheckpoint(resume) : null;
        } catch (InvalidSpecException e) {
            stderr.println("error: " + e.getMessage());
            return Main.EXIT_INVALID;
        }
        Path outDir = out != null ? out : defaultOutDir(spec, specFile);
        Files.createDirectories(outDir);
        TrainerSettings settings = TrainerSettings.defaults().withThreads(threads).withCacheRoot(cache);

        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread onSignal = new Thread(() -> {
            stop.set(true); // the loop checkpoints after the current step
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "normlab-stop");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try (MetricSink sink = new TeeMetricSink(metricsFile(outDir, checkpoint), progress(spec))) {
            TrainingResult result = new LlamaRunTrainer(settings).train(spec,
                    new TrainingOptions(outDir, checkpoint, sink, stop::get, (step, dir) -> true));
            JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
            stdout.println(json.writeValueAsString(result.summary()));
            if (result.stoppedEarly()) {
                stderr.println("stopped at step " + result.summary().steps() + "; resume with --resume " + result.lastCheckpoint());
            }
            return 0;
        } catch (TrainingFailedException e) {
            stderr.println("error: " + e.getMessage());
            return switch (e.kind()) {
                case INVALID_SPEC -> Main.EXIT_INVALID;
                case OOM -> Main.EXIT_OOM;
                case CODE, WORKER -> Main.EXIT_FAILED;
            };
        } finally {
            finished.countDown();
            if (!stop.get()) {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            }
        }
    }

    private MetricSink metricsFile(Path outDir, Path checkpoint) throws IOException {
        Path file = outDir.resolve(METRICS);
        if (checkpoint == null) {
            return JsonlMetricSink.create(file);
        }
        TrainingState state = JsonMapper.builder().build().readValue(checkpoint.resolve(TrainingState.FILE).toFile(), TrainingState.class);
        return JsonlMetricSink.resume(file, state.step());
    }

    private ProgressSink progress(RunSpec spec) {
        return new ProgressSink(stderr, System.console() != null, spec.totalSteps(), Duration.ofSeconds(Math.max(1, progressEverySeconds)));
    }

    private static Path defaultOutDir(RunSpec spec, Path specFile) {
        String name = spec.name() != null && !spec.name().isBlank() ? spec.name()
                : specFile.getFileName().toString().replaceFirst("\\.json$", "");
        return Path.of("runs", name.replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    /** A checkpoint folder itself, or the newest one under an output folder. */
    static Path resolveCheckpoint(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve(TrainingState.FILE))) {
            return dir;
        }
        Path checkpoints = dir.resolve(LlamaRunTrainer.CHECKPOINTS);
        if (Files.isDirectory(checkpoints)) {
            try (Stream<Path> all = Files.list(checkpoints)) {
                return all.filter(d -> d.getFileName().toString().startsWith("step-"))
                        .filter(d -> Files.isRegularFile(d.resolve(TrainingState.FILE)))
                        .max(Comparator.comparing(d -> d.getFileName().toString()))
                        .orElseThrow(() -> new InvalidSpecException("--resume: no checkpoint in " + checkpoints));
            }
        }
        throw new InvalidSpecException("--resume: " + dir + " is neither a checkpoint nor an output folder with checkpoints/");
    }
}
