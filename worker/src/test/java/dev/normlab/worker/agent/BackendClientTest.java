package dev.normlab.worker.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.normlab.api.worker.Assignment;
import dev.normlab.api.worker.ClaimRequest;
import dev.normlab.api.worker.HeartbeatResponse;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackendClientTest {

    private static final ClaimRequest CLAIM = new ClaimRequest("w1", "cpu", 1L << 30, 0);

    @Test
    void claimReadsTheAssignmentAndTreats204AsNothingQueued() {
        String assignment = """
                {"runId": 7, "attempt": 2, "leaseSeconds": 60, "resumeFrom": {"step": 10, "location": "/tmp/ck"},
                 "spec": {"optimizer": {"name": "sinkgd"}, "steps": 20, "seqLen": 32}, "futureField": true}""";
        try (FakeBackend backend = new FakeBackend(call -> FakeBackend.Answer.json(assignment))) {
            Optional<Assignment> claimed = backend.client().claim(CLAIM).join();

            assertThat(claimed).get().satisfies(a -> {
                assertThat(a.runId()).isEqualTo(7);
                assertThat(a.attempt()).isEqualTo(2);
                assertThat(a.resumeFrom().step()).isEqualTo(10);
                assertThat(a.spec().totalSteps()).isEqualTo(20);
                assertThat(a.spec().seqLen()).isEqualTo(32);
            });
            assertThat(backend.calls("/api/v1/worker/claim")).singleElement()
                    .satisfies(call -> {
                        assertThat(call.body().path("workerName").asString()).isEqualTo("w1");
                        assertThat(call.body().path("deviceKind").asString()).isEqualTo("cpu");
                        assertThat(call.body().path("deviceMemoryBytes").asLong()).isEqualTo(1L << 30);
                    });

            backend.script(call -> FakeBackend.Answer.noContent());
            assertThat(backend.client().claim(CLAIM).join()).isEmpty();
        }
    }

    @Test
    void problemDetailsAndFieldErrorsAreInTheMessage() {
        String problem = """
                {"type": "about:blank", "title": "Bad Request", "status": 400, "detail": "invalid request",
                 "errors": [{"field": "points[0].value", "message": "must be finite"}]}""";
        try (FakeBackend backend = new FakeBackend(call -> new FakeBackend.Answer(400, problem))) {
            assertThatThrownBy(() -> backend.client().heartbeat(3, 1))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("/api/v1/worker/runs/3/heartbeat")
                    .hasMessageContaining("400")
                    .hasMessageContaining("invalid request")
                    .hasMessageContaining("points[0].value: must be finite")
                    .satisfies(e -> assertThat(((BackendException) e).retryable()).isFalse());
        }
    }

    @Test
    void conflictIsALostLeaseAndServerErrorsAreRetryable() {
        try (FakeBackend backend = new FakeBackend(call -> new FakeBackend.Answer(409,
                "{\"title\": \"Conflict\", \"detail\": \"attempt 1 no longer holds run 3\"}"))) {
            assertThatThrownBy(() -> backend.client().heartbeat(3, 1))
                    .isInstanceOf(LeaseLostException.class)
                    .hasMessageContaining("attempt 1 no longer holds run 3");

            backend.script(call -> new FakeBackend.Answer(503, "upstream down"));
            assertThatThrownBy(() -> backend.client().heartbeat(3, 1))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("upstream down")
                    .satisfies(e -> assertThat(((BackendException) e).retryable()).isTrue());

            backend.script(call -> FakeBackend.Answer.json("{\"cancelRequested\": true, \"leaseSeconds\": 60}"));
            HeartbeatResponse beat = backend.client().heartbeat(3, 1);
            assertThat(beat.cancelRequested()).isTrue();
            assertThat(backend.calls("/heartbeat").get(2).body().path("attempt").asInt()).isEqualTo(1);
        }
    }

    @Test
    void noBackendListeningIsARetryableIoError() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        BackendClient client = new BackendClient(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + freePort),
                "test-token");

        assertThatThrownBy(() -> client.heartbeat(1, 1))
                .isInstanceOf(BackendException.class)
                .satisfies(e -> {
                    assertThat(((BackendException) e).status()).isZero();
                    assertThat(((BackendException) e).retryable()).isTrue();
                });
    }
}
