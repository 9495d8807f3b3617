package dev.normlab.worker.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.normlab.api.spec.RunSpec;
import dev.normlab.api.worker.EngineReport;
import dev.normlab.api.worker.FailureKind;
import dev.normlab.api.worker.MetricPoint;
import dev.normlab.api.worker.RunSummary;
import dev.normlab.worker.training.RunTrainer;
import dev.normlab.worker.training.TrainingFailedException;
import dev.normlab.worker.training.TrainingOptions;
import dev.normlab.worker.training.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The agent's protocol decisions against a scripted backend, with a test-only trainer that emits a loss curve. */
class NodeAgentTest {

    private static final EngineReport ENGINE = new EngineReport("0.35.1", "PyTorch", "2.7.1", "cpu", "/opt/libtorch", false,
            0, "cpu", "test cpu", 8L << 30, null, null, false, 900.0, 50.0);
    private static final WorkerCapabilities CPU = new WorkerCapabilities("test-worker", "cpu", 8L << 30, ENGINE);

    @TempDir
    Path workDir;

    /** A trainer double: one train_loss point per step, until the steps are done or it is told to stop. */
    static final class CurveTrainer implements RunTrainer {
        final long steps;
        final long checkpointAt;
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicReference<TrainingOptions> options = new AtomicReference<>();

        CurveTrainer(long steps, long checkpointAt) {
            this.steps = steps;
            this.checkpointAt = checkpointAt;
        }

        @Override
        public TrainingResult train(RunSpec spec, TrainingOptions options) {
            this.options.set(options);
            started.countDown();
            Path checkpoint = null;
            for (long step = 1; step <= steps; step++) {
                if (options.stopRequested().getAsBoolean()) {
                    return new TrainingResult(summary(step - 1), true, checkpoint);
                }
                options.metrics().record(new MetricPoint("train_loss", step, step * 64, null, 5.0 / step));
                if (step == checkpointAt) {
                    checkpoint = options.outDir().resolve("checkpoint-" + step);
                    options.checkpoints().written(step, checkpoint);
                }
                pause();
            }
            return new TrainingResult(summary(steps), false, checkpoint);
        }

        private void pause() {
            try {
                Thread.sleep(steps > 1_000 ? 5 : 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static RunSummary summary(long steps) {
            return new RunSummary(steps == 0 ? null : 5.0 / steps, null, null, null, steps, steps * 64, 1.0, null);
        }
    }

    /** A trainer that fails at once with the given exception. */
    private static RunTrainer failing(RuntimeException error) {
        return (spec, options) -> {
            throw error;
        };
    }

    private static String assignment(String resumeFrom) {
        return """
                {"runId": 7, "attempt": 3, "leaseSeconds": 4, "resumeFrom": %s,
                 "spec": {"project": "default", "optimizer": {"name": "sinkgd"}, "steps": 20}}"""
                .formatted(resumeFrom);
    }

    /** Hands out one run, then nothing; heartbeats answer with {@code heartbeat}; everything else succeeds. */
    private static Function<FakeBackend.Call, FakeBackend.Answer> backend(String assignment,
            Function<FakeBackend.Call, FakeBackend.Answer> heartbeat) {
        AtomicBoolean handedOut = new AtomicBoolean();
        return call -> {
            String path = call.path();
            if (path.endsWith("/claim")) {
                return handedOut.compareAndSet(false, true) ? FakeBackend.Answer.json(assignment)
                        : FakeBackend.Answer.noContent();
            }
            if (path.endsWith("/heartbeat")) {
                return heartbeat.apply(call);
            }
            if (path.endsWith("/finish") || path.endsWith("/release")) {
                return FakeBackend.Answer.json("{\"status\": \"DONE\"}");
            }
            return FakeBackend.Answer.noContent();
        };
    }

    private static FakeBackend.Answer beat(boolean cancel) {
        return FakeBackend.Answer.json("{\"cancelRequested\": " + cancel + ", \"leaseSeconds\": 4}");
    }

    private NodeAgent agent(FakeBackend backend, RunTrainer trainer) {
        return new NodeAgent(backend.client(), trainer, CPU, workDir, 0);
    }

    private static List<Long> postedSteps(FakeBackend backend) {
        return backend.calls("/metrics").stream()
                .flatMap(call -> call.body().path("points").valueStream())
                .map(point -> point.path("step").asLong())
                .toList();
    }

    @Test
    void aFinishedRunIsReportedSucceededWithItsSummaryAfterAllItsPoints() {
        CurveTrainer trainer = new CurveTrainer(20, 0);
        try (FakeBackend backend = new FakeBackend(backend(assignment("null"), call -> beat(false)))) {
            assertThat(agent(backend, trainer).run(true)).isEqualTo(AttemptEnding.SUCCEEDED);

            assertThat(postedSteps(backend)).containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
            assertThat(backend.calls("/metrics")).allSatisfy(call -> {
                assertThat(call.path()).isEqualTo("/api/v1/worker/runs/7/metrics");
                assertThat(call.body().path("attempt").asInt()).isEqualTo(3);
            });
            JsonNode finish = backend.calls("/finish").get(0).body();
            assertThat(finish.path("attempt").asInt()).isEqualTo(3);
            assertThat(finish.path("status").asString()).isEqualTo("SUCCEEDED");
            assertThat(finish.path("summary").path("steps").asLong()).isEqualTo(20);
            assertThat(finish.path("summary").path("finalLoss").asDouble()).isEqualTo(5.0 / 20);
            // the finish comes after the last metric batch, while the attempt still holds the lease
            List<String> order = backend.calls().stream().map(FakeBackend.Call::path)
                    .filter(p -> !p.endsWith("/heartbeat")).toList();
            assertThat(order.get(order.size() - 1)).endsWith("/finish");
            assertThat(trainer.options.get().outDir()).isEqualTo(workDir.resolve("runs").resolve("7"));
            assertThat(trainer.options.get().outDir()).isDirectory();
            assertThat(trainer.options.get().resumeFrom()).isNull();
            assertThat(backend.calls("/claim").get(0).body().path("deviceKind").asString()).isEqualTo("cpu");
            // the engine self-check travels with every claim
            JsonNode engine = backend.calls("/claim").get(0).body().path("engine");
            assertThat(engine.path("libtorchVersion").asString()).isEqualTo("2.7.1");
            assertThat(engine.path("libtorchFlavor").asString()).isEqualTo("cpu");
            assertThat(engine.path("libtorchPath").asString()).isEqualTo("/opt/libtorch");
        }
    }

    @Test
    void aCheckpointIsReportedOnlyAfterThePointsBeforeIt() {
        CurveTrainer trainer = new CurveTrainer(20, 10);
        try (FakeBackend backend = new FakeBackend(backend(assignment("null"), call -> beat(false)))) {
            agent(backend, trainer).run(true);

            List<FakeBackend.Call> calls = backend.calls().stream()
                    .filter(c -> c.path().endsWith("/metrics") || c.path().endsWith("/checkpoint")).toList();
            int checkpointIndex = -1;
            for (int i = 0; i < calls.size(); i++) {
                if (calls.get(i).path().endsWith("/checkpoint")) {
                    checkpointIndex = i;
                }
            }
            JsonNode checkpoint = calls.get(checkpointIndex).body();
            assertThat(checkpoint.path("step").asLong()).isEqualTo(10);
            assertThat(checkpoint.path("attempt").asInt()).isEqualTo(3);
            assertThat(checkpoint.path("location").asString())
                    .isEqualTo(workDir.resolve("runs/7/checkpoint-10").toAbsolutePath().toString());
            List<Long> before = calls.subList(0, checkpointIndex).stream()
                    .flatMap(call -> call.body().path("points").valueStream())
                    .map(point -> point.path("step").asLong()).toList();
            assertThat(before).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 10).boxed().toList());
        }
    }

    @Test
    void aCancelAnsweredByTheHeartbeatStopsTrainingAndFinishesCancelled() {
        CurveTrainer trainer = new CurveTrainer(1_000_000, 0);
        try (FakeBackend backend = new FakeBackend(backend(assignment("null"), call -> beat(true)))) {
            assertThat(agent(backend, trainer).run(true)).isEqualTo(AttemptEnding.CANCELLED);

            assertThat(backend.calls("/finish")).singleElement()
                    .satisfies(call -> assertThat(call.body().path("status").asString()).isEqualTo("CANCELLED"));
            assertThat(postedSteps(backend)).hasSizeLessThan(1_000_000);
        }
    }

    @Test
    void aLostLeaseStopsTrainingAndNeverFinishes() {
        CurveTrainer trainer = new CurveTrainer(1_000_000, 0);
        try (FakeBackend backend = new FakeBackend(backend(assignment("null"),
                call -> new FakeBackend.Answer(409, "{\"detail\": \"lease lost\"}")))) {
            assertThat(agent(backend, trainer).run(true)).isEqualTo(AttemptEnding.LEASE_LOST);

            assertThat(backend.calls("/finish")).isEmpty();
            assertThat(backend.calls("/release")).isEmpty();
        }
    }

    @Test
    void shutdownWhileIdleWithdrawsTheWaitingClaimSoNoRunIsHandedToAClosedConnection() throws Exception {
        java.util.concurrent.CountDownLatch polling = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch withdrawn = new java.util.concurrent.CountDownLatch(1);
        Function<FakeBackend.Call, FakeBackend.Answer> longPoll = call -> {
            if (call.path().endsWith("/claim")) {
                polling.countDown();
                try {
                    withdrawn.await(20, TimeUnit.SECONDS); // a long poll: answers when withdrawn
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if (call.path().endsWith("/claim/withdraw")) {
                withdrawn.countDown();
            }
            return FakeBackend.Answer.noContent();
        };
        try (FakeBackend backend = new FakeBackend(longPoll)) {
            NodeAgent agent = agent(backend, new CurveTrainer(1, 0));
            CompletableFuture<AttemptEnding> ending = CompletableFuture.supplyAsync(() -> agent.run(false));
            assertThat(polling.await(30, TimeUnit.SECONDS)).isTrue();

            assertThat(agent.shutdown(Duration.ofSeconds(10))).isTrue();

            assertThat(ending.get(5, TimeUnit.SECONDS)).isNull();
            assertThat(backend.calls("/claim/withdraw")).singleElement()
                    .satisfies(call -> assertThat(call.body().path("workerName").asString()).isEqualTo("test-worker"));
        }
    }

    @Test
    void shutdownStopsTheRunAndReleasesIt() throws Exception {
        CurveTrainer trainer = new CurveTrainer(1_000_000, 0);
        try (FakeBackend backend = new FakeBackend(backend(assignment("null"), call -> beat(false)))) {
            NodeAgent agent = agent(backend, trainer);
            CompletableFuture<AttemptEnding> ending = CompletableFuture.supplyAsync(() -> agent.run(false));
            assertThat(trainer.started.await(30, TimeUnit.SECONDS)).isTrue();

            assertThat(agent.shutdown(Duration.ofSeconds(60))).isTrue();

            assertThat(ending.get(5, TimeUnit.SECONDS)).isEqualTo(AttemptEnding.RELEASED);
            assertThat(backend.calls("/release")).singleElement()
                    .satisfies(call -> assertThat(call.body().path("attempt").asInt()).isEqualTo(3));
            assertThat(backend.calls("/finish")).isEmpty();
        }
    }

    @Test
    void trainingFailuresAreReportedWithTheirKind() {
        RunTrainer trainer = failing(new TrainingFailedException(FailureKind.INVALID_SPEC,
                "data.corpus: no file matches /nowhere/*.txt"));
        try (FakeBackend backend = new FakeBackend(backend(assignment("null"), call -> beat(false)))) {
            assertThat(agent(backend, trainer).run(true)).isEqualTo(AttemptEnding.FAILED);

            JsonNode finish = backend.calls("/finish").get(0).body();
            assertThat(finish.path("status").asString()).isEqualTo("FAILED");
            assertThat(finish.path("failure").asString()).isEqualTo("INVALID_SPEC");
            assertThat(finish.path("error").asString()).isEqualTo("data.corpus: no file matches /nowhere/*.txt");
        }
    }

    @Test
    void aRunBiggerThanTheWorkerIsRefusedAsOomBeforeTraining() {
        CurveTrainer trainer = new CurveTrainer(20, 0);
        String huge = """
                {"runId": 7, "attempt": 3, "leaseSeconds": 4, "resumeFrom": null,
                 "spec": {"project": "default", "optimizer": {"name": "sgd"}, "steps": 2, "seqLen": 1024, "batchSize": 4096}}""";
        try (FakeBackend backend = new FakeBackend(backend(huge, call -> beat(false)))) {
            assertThat(agent(backend, trainer).run(true)).isEqualTo(AttemptEnding.FAILED);

            JsonNode finish = backend.calls("/finish").get(0).body();
            assertThat(finish.path("failure").asString()).isEqualTo("OOM");
            assertThat(finish.path("error").asString()).contains("this worker has 8.00 GiB").contains("refused before training");
            assertThat(trainer.options.get()).as("the trainer never started").isNull();
        }
    }

    @Test
    void aFullDiskIsReportedAsTheWorkersFailureAndTheAgentStopsTakingRuns() {
        RunTrainer trainer = failing(new TrainingFailedException(FailureKind.WORKER,
                "the worker's disk is full: java.io.IOException: No space left on device"));
        // the backend would hand out runs forever; the agent must stop after the first
        Function<FakeBackend.Call, FakeBackend.Answer> endless = call -> call.path().endsWith("/claim")
                ? FakeBackend.Answer.json(assignment("null"))
                : call.path().endsWith("/heartbeat") ? beat(false) : FakeBackend.Answer.json("{\"status\": \"QUEUED\"}");
        try (FakeBackend backend = new FakeBackend(endless)) {
            assertThat(agent(backend, trainer).run(false)).isEqualTo(AttemptEnding.WORKER_FAILED);

            assertThat(backend.calls("/claim")).hasSize(1);
            JsonNode finish = backend.calls("/finish").get(0).body();
            assertThat(finish.path("failure").asString()).isEqualTo("WORKER");
            assertThat(finish.path("error").asString()).contains("No space left on device");
        }
    }

    @Test
    void otherExceptionsAreCodeFailuresWithTheTopOfTheStack() {
        RunTrainer trainer = failing(new IllegalStateException("shape mismatch (2, 3) vs (3, 2)"));
        try (FakeBackend backend = new FakeBackend(backend(assignment("null"), call -> beat(false)))) {
            agent(backend, trainer).run(true);

            JsonNode finish = backend.calls("/finish").get(0).body();
            assertThat(finish.path("failure").asString()).isEqualTo("CODE");
            assertThat(finish.path("error").asString())
                    .startsWith("java.lang.IllegalStateException: shape mismatch (2, 3) vs (3, 2)")
                    .contains("\tat dev.normlab.worker.agent.NodeAgentTest");
        }
    }

    @Test
    void aRefusedClaimStopsTheAgentWhileAnUnreachableBackendIsRetried() {
        AtomicInteger claims = new AtomicInteger();
        try (FakeBackend backend = new FakeBackend(call -> claims.incrementAndGet() == 1
                ? new FakeBackend.Answer(503, "starting up")
                : new FakeBackend.Answer(401, "{\"title\": \"Unauthorized\", \"detail\": \"unknown token\"}"))) {
            NodeAgent agent = agent(backend, new CurveTrainer(1, 0));

            assertThatThrownBy(() -> agent.run(false))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("401")
                    .hasMessageContaining("unknown token");
            assertThat(claims.get()).isEqualTo(2);
        }
    }

    @Test
    void resumesFromACheckpointOnThisDiskAndStartsOverOtherwise() throws Exception {
        Path local = Files.createDirectories(workDir.resolve("runs/7/checkpoint-10"));
        CurveTrainer first = new CurveTrainer(20, 0);
        try (FakeBackend backend = new FakeBackend(backend(
                assignment("{\"step\": 10, \"location\": \"" + local.toAbsolutePath() + "\"}"), call -> beat(false)))) {
            agent(backend, first).run(true);
        }
        assertThat(first.options.get().resumeFrom()).isEqualTo(local.toAbsolutePath());

        CurveTrainer second = new CurveTrainer(20, 0);
        try (FakeBackend backend = new FakeBackend(backend(
                assignment("{\"step\": 10, \"location\": \"/other-host/runs/7/checkpoint-10\"}"), call -> beat(false)))) {
            assertThat(agent(backend, second).run(true)).isEqualTo(AttemptEnding.SUCCEEDED);
        }
        assertThat(second.options.get().resumeFrom()).isNull();
    }
}
