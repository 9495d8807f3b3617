package dev.normlab.worker.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.api.worker.MetricPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class BackendMetricSinkTest {

    private static final Duration LONG = Duration.ofHours(1);
    private static final RetryPolicy FAST_RETRY = RetryPolicy.doubling(Duration.ofMillis(10), Duration.ofSeconds(10));

    /** The backend's idempotent store: (key, step) to value. */
    private final Map<String, Double> stored = new ConcurrentHashMap<>();
    private final AtomicInteger acknowledgedPoints = new AtomicInteger();

    private void store(JsonNode batch) {
        for (JsonNode point : batch.path("points")) {
            stored.put(point.path("key").asString() + "@" + point.path("step").asLong(), point.path("value").asDouble());
        }
    }

    private static MetricPoint loss(long step, double value) {
        return new MetricPoint("train_loss", step, step * 128, step * 0.1, value);
    }

    @Test
    void everyPointArrivesOnceAlthoughAcknowledgementsGetLost() {
        AtomicInteger requests = new AtomicInteger();
        // the first three batches are stored but their answer is a 503 (a proxy timing out after the commit)
        try (FakeBackend backend = new FakeBackend(call -> {
            store(call.body());
            if (requests.incrementAndGet() <= 3) {
                return new FakeBackend.Answer(503, "try again");
            }
            acknowledgedPoints.addAndGet(call.body().path("points").size());
            return FakeBackend.Answer.noContent();
        })) {
            AttemptSignals signals = new AttemptSignals(new AtomicBoolean());
            BackendMetricSink sink = new BackendMetricSink(backend.client(), 5, 1, signals, LONG, 1_000,
                    FAST_RETRY);
            for (long step = 1; step <= 2_500; step++) {
                sink.record(loss(step, 10.0 / step));
            }

            assertThat(sink.close(Duration.ofSeconds(60))).isTrue();

            assertThat(stored).hasSize(2_500);
            for (long step = 1; step <= 2_500; step++) {
                assertThat(stored.get("train_loss@" + step)).isEqualTo(10.0 / step);
            }
            // acknowledged batches hold each point exactly once: no point went into two different batches
            assertThat(acknowledgedPoints.get()).isEqualTo(2_500);
            assertThat(sink.acknowledged()).isEqualTo(2_500);
            assertThat(backend.calls()).allSatisfy(call -> {
                assertThat(call.path()).isEqualTo("/api/v1/worker/runs/5/metrics");
                assertThat(call.body().path("attempt").asInt()).isEqualTo(1);
                assertThat(call.body().path("points").size()).isBetween(1, 1_000);
            });
            assertThat(signals.isLeaseLost()).isFalse();
        }
    }

    @Test
    void aFullBufferIsSentWithoutWaitingForTheInterval() throws InterruptedException {
        CountDownLatch twoBatches = new CountDownLatch(2);
        try (FakeBackend backend = new FakeBackend(call -> {
            store(call.body());
            twoBatches.countDown();
            return FakeBackend.Answer.noContent();
        })) {
            BackendMetricSink sink = new BackendMetricSink(backend.client(), 5, 1,
                    new AttemptSignals(new AtomicBoolean()), LONG, 100, FAST_RETRY);
            for (long step = 1; step <= 250; step++) {
                sink.record(loss(step, 1.0));
            }

            // with an hour-long interval and no flush, only the size trigger can send these
            assertThat(twoBatches.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(backend.calls()).allSatisfy(call -> assertThat(call.body().path("points").size()).isEqualTo(100));

            sink.close(Duration.ofSeconds(30));
            assertThat(stored).hasSize(250);
        }
    }

    @Test
    void nonFiniteValuesAndInvalidKeysAreDroppedNotSent() {
        try (FakeBackend backend = new FakeBackend(call -> {
            store(call.body());
            return FakeBackend.Answer.noContent();
        })) {
            BackendMetricSink sink = new BackendMetricSink(backend.client(), 5, 1,
                    new AttemptSignals(new AtomicBoolean()), LONG, 1_000, FAST_RETRY);
            sink.record(loss(1, 2.5));
            sink.record(loss(2, Double.NaN));
            sink.record(loss(3, Double.POSITIVE_INFINITY));
            sink.record(new MetricPoint("Train Loss", 4L, 0L, 0.0, 1.0));
            sink.record(loss(5, 2.0));

            assertThat(sink.close(Duration.ofSeconds(30))).isTrue();

            assertThat(stored).containsOnlyKeys("train_loss@1", "train_loss@5");
        }
    }

    @Test
    void aLostLeaseStopsTheTrainingAndDropsThePoints() {
        try (FakeBackend backend = new FakeBackend(call -> new FakeBackend.Answer(409,
                "{\"title\": \"Conflict\", \"detail\": \"lease lost\"}"))) {
            AttemptSignals signals = new AttemptSignals(new AtomicBoolean());
            BackendMetricSink sink = new BackendMetricSink(backend.client(), 5, 1, signals, LONG, 1_000,
                    FAST_RETRY);
            sink.record(loss(1, 2.5));

            assertThat(sink.awaitDelivered(Duration.ofSeconds(30))).isFalse();
            assertThat(signals.isLeaseLost()).isTrue();
            assertThat(signals.stopRequested()).isTrue();
            sink.record(loss(2, 2.0));
            assertThat(sink.close(Duration.ofSeconds(5))).isFalse();
            assertThat(backend.calls()).hasSize(1);
        }
    }

    @Test
    void flushSendsWhatIsBufferedBeforeTheInterval() {
        List<Long> steps = new ArrayList<>();
        try (FakeBackend backend = new FakeBackend(call -> {
            synchronized (steps) {
                call.body().path("points").forEach(p -> steps.add(p.path("step").asLong()));
            }
            return FakeBackend.Answer.noContent();
        })) {
            BackendMetricSink sink = new BackendMetricSink(backend.client(), 5, 1,
                    new AttemptSignals(new AtomicBoolean()), LONG, 1_000, FAST_RETRY);
            sink.record(loss(1, 3.0));
            sink.record(loss(2, 2.0));

            assertThat(sink.awaitDelivered(Duration.ofSeconds(30))).isTrue();
            synchronized (steps) {
                assertThat(steps).containsExactly(1L, 2L);
            }
            sink.close(Duration.ofSeconds(5));
        }
    }
}
