package dev.normlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.normlab.api.spec.RunSpec;
import dev.normlab.worker.agent.AttemptEnding;
import dev.normlab.worker.agent.BackendClient;
import dev.normlab.worker.agent.NodeAgent;
import dev.normlab.worker.agent.WorkerCapabilities;
import dev.normlab.worker.training.LlamaRunTrainer;
import dev.normlab.worker.training.RunTrainer;
import dev.normlab.worker.training.TrainerSettings;
import dev.normlab.worker.training.TrainingOptions;
import dev.normlab.worker.training.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Data flow steps 1-4 with every real part: the backend (embedded PostgreSQL) in this JVM, a node agent with the
 * real LLaMA trainer on DJL's CPU engine, and a user on the REST API. Each test drives its run to an end state.
 */
class AgentE2eTest {

    /** A short lease so heartbeats (every lease / 4) bring a cancel within 3 s; long enough for a loaded machine. */
    private static final int LEASE_SECONDS = 12;
    private static final long CPU_MEMORY = 8L << 30;
    private static final long STEPS = 20;

    @TempDir
    static Path root;

    private static InProcessBackend backend;
    private static UserApi user;
    private static Path corpus;
    private static long uninterruptedRunId;

    @BeforeAll
    static void startBackend() throws IOException {
        backend = InProcessBackend.start(root, LEASE_SECONDS);
        user = new UserApi(backend.baseUri(), backend.adminToken());
        corpus = TinyCorpus.write(root.resolve("corpus.txt"));
    }

    @AfterAll
    static void stopBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void aSubmittedRunTrainsToSucceededWithOneLossPointPerStep() {
        long id = uninterruptedRun();

        JsonNode run = user.run(id);
        assertThat(run.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(run.path("workerName").asString()).isEqualTo("agent-succeed");
        assertThat(run.path("attempt").asInt()).isEqualTo(1);
        JsonNode summary = run.path("summary");
        assertThat(summary.path("steps").asLong()).isEqualTo(STEPS);
        assertThat(summary.path("finalLoss").asDouble()).isPositive();
        // measured by the worker, not the analytic estimate: exact optimizer-state bytes and the process's peak RSS
        assertThat(summary.path("memory").path("optimizerStateBytes").asLong()).isPositive();
        assertThat(summary.path("memory").path("peakResidentBytes").asLong()).isPositive();
        assertThat(user.steps(id, "train_loss")).containsExactlyElementsOf(steps(1, STEPS));
        // the run's stored final loss is the last point of the curve the agent streamed
        List<UserApi.Point> curve = user.curve(id, "train_loss");
        assertThat(summary.path("finalLoss").asDouble()).isCloseTo(curve.get(curve.size() - 1).value(), within(1e-9));
    }

    @Test
    void cancellingARunningRunStopsTheTrainingAndEndsItCancelled() {
        long total = 5_000;
        long id = user.submit(spec("e2e-cancel", total, 2));
        // the user cancels once the run is under way (its first checkpoint); the heartbeat carries it to the agent
        RecordingTrainer trainer = new RecordingTrainer(realTrainer(), (step, dir) -> {
            if (step == 2) {
                user.cancel(id);
            }
        });

        assertThat(agent("agent-cancel", trainer, root.resolve("worker-c")).run(true))
                .isEqualTo(AttemptEnding.CANCELLED);

        JsonNode run = user.run(id);
        assertThat(run.path("status").asString()).isEqualTo("CANCELLED");
        assertThat(trainer.result.get().stoppedEarly()).isTrue();
        List<Long> curve = user.steps(id, "train_loss");
        assertThat(curve).hasSizeGreaterThanOrEqualTo(2).hasSizeLessThan((int) total);
        assertThat(curve).containsExactlyElementsOf(steps(1, curve.size()));
    }

    @Test
    void aStoppedAgentReleasesTheRunAndASecondAgentResumesItFromTheCheckpoint() {
        long id = user.submit(spec("e2e-release", STEPS, 5));
        Path workDir = root.resolve("worker-r");
        AtomicReference<NodeAgent> first = new AtomicReference<>();
        // SIGTERM's hook calls shutdown; here the same request comes at the checkpoint of step 5
        RecordingTrainer firstTrainer = new RecordingTrainer(realTrainer(), (step, dir) -> {
            if (step == 5) {
                first.get().requestShutdown();
            }
        });
        first.set(agent("agent-first", firstTrainer, workDir));

        assertThat(first.get().run(false)).isEqualTo(AttemptEnding.RELEASED);

        JsonNode released = user.run(id);
        assertThat(released.path("status").asString()).isEqualTo("QUEUED");
        assertThat(released.path("codeFailures").asInt()).isZero();
        assertThat(released.path("infraFailures").asInt()).isZero();
        assertThat(released.path("checkpoint").path("step").asLong()).isBetween(5L, STEPS - 1);
        assertThat(firstTrainer.result.get().stoppedEarly()).isTrue();

        RecordingTrainer secondTrainer = new RecordingTrainer(realTrainer(), (step, dir) -> { });
        assertThat(agent("agent-second", secondTrainer, workDir).run(true)).isEqualTo(AttemptEnding.SUCCEEDED);

        assertThat(secondTrainer.resumeFrom.get())
                .isEqualTo(Path.of(released.path("checkpoint").path("location").asString()));
        JsonNode run = user.run(id);
        assertThat(run.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(run.path("attempt").asInt()).isEqualTo(2);
        assertThat(run.path("codeFailures").asInt()).isZero();
        assertThat(run.path("infraFailures").asInt()).isZero();
        assertThat(run.path("summary").path("steps").asLong()).isEqualTo(STEPS);
        assertThat(user.steps(id, "train_loss")).containsExactlyElementsOf(steps(1, STEPS));
        // same spec and seed: stopping and resuming from the checkpoint reproduces the uninterrupted curve
        List<UserApi.Point> reference = user.curve(uninterruptedRun(), "train_loss");
        List<UserApi.Point> resumed = user.curve(id, "train_loss");
        for (int i = 0; i < reference.size(); i++) {
            assertThat(resumed.get(i).value()).as("train_loss at step %d", reference.get(i).step())
                    .isCloseTo(reference.get(i).value(), within(1e-5));
        }
    }

    /** The reference run: {@link #STEPS} steps without interruption, trained once for the tests that need it. */
    private static synchronized long uninterruptedRun() {
        if (uninterruptedRunId == 0) {
            long id = user.submit(spec("e2e-succeed", STEPS, 0));
            RecordingTrainer trainer = new RecordingTrainer(realTrainer(), (step, dir) -> { });
            assertThat(agent("agent-succeed", trainer, root.resolve("worker-a")).run(true))
                    .isEqualTo(AttemptEnding.SUCCEEDED);
            assertThat(trainer.runName.get()).isEqualTo("e2e-succeed");
            uninterruptedRunId = id;
        }
        return uninterruptedRunId;
    }

    private static NodeAgent agent(String name, RunTrainer trainer, Path workDir) {
        BackendClient client = BackendClient.connect(backend.baseUri(), backend.workerTokenFile());
        return new NodeAgent(client, trainer, new WorkerCapabilities(name, "cpu", CPU_MEMORY), workDir, 5);
    }

    private static RunTrainer realTrainer() {
        // as the agent runs it: spec paths only inside its data root (the corpus lives there)
        return new LlamaRunTrainer(TrainerSettings.defaults().withCacheRoot(root.resolve("cache"))
                .withFileAccess(dev.normlab.worker.data.FileAccess.within(root)));
    }

    /** A tiny LLaMA (nano with one layer) on the test's corpus with the byte tokenizer. */
    private static String spec(String name, long steps, int checkpointEvery) {
        return """
                {"project": "default", "name": "%s",
                 "model": {"preset": "nano", "layers": 1},
                 "optimizer": {"name": "sinkgd", "lr": 0.01},
                 "data": {"corpus": "%s", "format": "text", "heldOutFraction": 0.1},
                 "tokenizer": "byte", "seqLen": 32, "batchSize": 4, "steps": %d,
                 "evalEvery": 10, "evalBatches": 2, "checkpointEvery": %d, "device": "cpu"}"""
                .formatted(name, corpus.toAbsolutePath(), steps, checkpointEvery);
    }

    private static List<Long> steps(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /** The real trainer, with a hook at each checkpoint (where the tests act) and a record of what it got. */
    private static final class RecordingTrainer implements RunTrainer {
        private final RunTrainer trainer;
        private final BiConsumer<Long, Path> atCheckpoint;
        final AtomicReference<String> runName = new AtomicReference<>();
        final AtomicReference<Path> resumeFrom = new AtomicReference<>();
        final AtomicReference<TrainingResult> result = new AtomicReference<>();

        RecordingTrainer(RunTrainer trainer, BiConsumer<Long, Path> atCheckpoint) {
            this.trainer = trainer;
            this.atCheckpoint = atCheckpoint;
        }

        @Override
        public TrainingResult train(RunSpec spec, TrainingOptions options) {
            runName.set(spec.name());
            resumeFrom.set(options.resumeFrom());
            TrainingOptions hooked = new TrainingOptions(options.outDir(), options.resumeFrom(), options.metrics(),
                    options.stopRequested(), (step, directory) -> {
                        boolean reported = options.checkpoints().written(step, directory);
                        atCheckpoint.accept(step, directory);
                        return reported;
                    });
            TrainingResult trained = trainer.train(spec, hooked);
            result.set(trained);
            return trained;
        }
    }
}
