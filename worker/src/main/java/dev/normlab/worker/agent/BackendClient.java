package dev.normlab.worker.agent;

import dev.normlab.api.worker.Assignment;
import dev.normlab.api.worker.CheckpointRequest;
import dev.normlab.api.worker.ClaimRequest;
import dev.normlab.api.worker.FinishRequest;
import dev.normlab.api.worker.HeartbeatRequest;
import dev.normlab.api.worker.HeartbeatResponse;
import dev.normlab.api.worker.MetricBatch;
import dev.normlab.api.worker.ReleaseRequest;
import dev.normlab.api.worker.WithdrawRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker protocol over HTTP ({@code /api/v1/worker/**}) with the worker's bearer token. Every failure is a
 * {@link BackendException} whose message carries the backend's problem+json detail; a 409 is a
 * {@link LeaseLostException}.
 */
public final class BackendClient {

    /** Longest a call may take (a claim: plus its wait). */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** Shutdown must stay quick: a backend that does not answer this soon lets the confirm window do the work. */
    static final Duration WITHDRAW_TIMEOUT = Duration.ofSeconds(3);
    /** How long to wait for a thread that may be inside one call to end: the call's timeout and a margin. */
    static final Duration ONE_CALL_GRACE = CALL_TIMEOUT.plusSeconds(5);
    private static final int MAX_PROBLEM_CHARS = 2_000;

    private final HttpClient http;
    private final URI base;
    private final String bearer;
    private final JsonMapper json;

    public BackendClient(HttpClient http, URI base, String token) {
        this.http = http;
        this.base = base;
        this.bearer = "Bearer " + token;
        // tolerant reader: a newer backend may add fields to its answers
        this.json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }

    /** A client for {@code backend} authenticated with the token stored in {@code tokenFile}. */
    public static BackendClient connect(URI backend, Path tokenFile) {
        String token;
        try {
            token = Files.readString(tokenFile).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the worker token from " + tokenFile
                    + " (the backend writes it there on its first start)", e);
        }
        if (token.isEmpty()) {
            throw new IllegalArgumentException("token file " + tokenFile + " is empty");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return new BackendClient(http, backend, token);
    }

    /**
     * Starts a long-poll claim. The future yields the assignment, or empty when nothing came within the wait;
     * cancelling it abandons the request (shutdown while idle).
     */
    public CompletableFuture<Optional<Assignment>> claim(ClaimRequest request) {
        long wait = request.waitSeconds() != null ? request.waitSeconds() : 25;
        HttpRequest http = post("/api/v1/worker/claim", request, CALL_TIMEOUT.plusSeconds(wait));
        return this.http.sendAsync(http, HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> {
                    if (error != null) {
                        throw ioFailure(http, unwrap(error));
                    }
                    if (response.statusCode() == 204) {
                        return Optional.<Assignment>empty();
                    }
                    return Optional.of(read(checked(http, response), Assignment.class));
                });
    }

    /** Asks the backend to answer this worker's waiting claim with nothing (shutdown while idle); best effort. */
    public void withdrawClaim(String workerName) {
        send(post("/api/v1/worker/claim/withdraw", new WithdrawRequest(workerName), WITHDRAW_TIMEOUT));
    }

    public HeartbeatResponse heartbeat(long runId, int attempt) {
        return read(send(post(runPath(runId, "heartbeat"), new HeartbeatRequest(attempt), CALL_TIMEOUT)),
                HeartbeatResponse.class);
    }

    public void checkpoint(long runId, CheckpointRequest request) {
        send(post(runPath(runId, "checkpoint"), request, CALL_TIMEOUT));
    }

    /** Idempotent on the backend: re-sending a batch stores nothing twice. */
    public void postMetrics(long runId, MetricBatch batch) {
        send(post(runPath(runId, "metrics"), batch, CALL_TIMEOUT));
    }

    /** @return the run's status afterwards (QUEUED again when a failure is retried) */
    public String finish(long runId, FinishRequest request) {
        return read(send(post(runPath(runId, "finish"), request, CALL_TIMEOUT)), StatusResponse.class).status();
    }

    /** @return the run's status afterwards (QUEUED, or CANCELLED when a cancel was pending) */
    public String release(long runId, ReleaseRequest request) {
        return read(send(post(runPath(runId, "release"), request, CALL_TIMEOUT)), StatusResponse.class).status();
    }

    record StatusResponse(String status) {
    }

    private static String runPath(long runId, String action) {
        return "/api/v1/worker/runs/" + runId + "/" + action;
    }

    private HttpRequest post(String path, Object body, Duration timeout) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Authorization", bearer)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body), StandardCharsets.UTF_8))
                .build();
    }

    private String send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ioFailure(request, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(0, describe(request) + ": interrupted", e);
        }
        return checked(request, response);
    }

    private String checked(HttpRequest request, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response.body();
        }
        String message = describe(request) + " -> " + status + ": " + problemDetail(response.body());
        if (status == 409) {
            throw new LeaseLostException(message);
        }
        throw new BackendException(status, message);
    }

    /** The problem+json title, detail and field errors, or the raw body when it is not problem+json. */
    private String problemDetail(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        try {
            JsonNode problem = json.readTree(body);
            StringBuilder text = new StringBuilder(problem.path("title").asString(""));
            String detail = problem.path("detail").asString("");
            if (!detail.isEmpty()) {
                text.append(text.isEmpty() ? "" : ": ").append(detail);
            }
            for (JsonNode error : problem.path("errors")) {
                text.append(" [").append(error.path("field").asString("?")).append(": ")
                        .append(error.path("message").asString("")).append(']');
            }
            if (!text.isEmpty()) {
                return text.toString();
            }
        } catch (JacksonException notJson) {
            // fall through to the raw body
        }
        return body.length() > MAX_PROBLEM_CHARS ? body.substring(0, MAX_PROBLEM_CHARS) + "..." : body;
    }

    private <T> T read(String body, Class<T> type) {
        try {
            return json.readValue(body, type);
        } catch (JacksonException e) {
            throw new BackendException(0, "unreadable answer from the backend (" + type.getSimpleName() + "): "
                    + e.getOriginalMessage(), e);
        }
    }

    private static BackendException ioFailure(HttpRequest request, Throwable error) {
        if (error instanceof BackendException backend) {
            return backend;
        }
        if (error instanceof CancellationException cancelled) {
            throw cancelled;
        }
        return new BackendException(0, describe(request) + ": " + error, error);
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static String describe(HttpRequest request) {
        return request.method() + " " + request.uri();
    }
}
