package dev.normlab.backend.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.normlab.backend.support.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The SSE stream over real HTTP while a worker posts metrics over real HTTP and finishes. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RunEventStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @LocalServerPort
    int port;
    @Autowired
    Fixtures fixtures;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    RunEventHub hub;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void emptyQueue() {
        fixtures.deleteAllRuns();
    }

    record Event(String name, String data) {
    }

    /** An open stream: events as they arrive, and a future that completes when the server ends the stream. */
    record OpenStream(BlockingQueue<Event> events, CompletableFuture<Void> ended) {
        Event next() throws InterruptedException {
            Event e = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(e).as("an event within %s", WAIT).isNotNull();
            return e;
        }

        /**
         * The next event that is not a repeat of the state the client already has: the claim's own NOTIFY may reach
         * the listener after the stream opened (it is asynchronous), which re-sends that state harmlessly.
         */
        Event nextChangeFrom(String knownStatus) throws InterruptedException {
            Event e = next();
            while (e.name().equals("state") && knownStatus.equals(JsonPath.read(e.data(), "$.status"))) {
                e = next();
            }
            return e;
        }
    }

    private OpenStream open(long run, String bearer) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/runs/" + run + "/events"))
                .header("Authorization", bearer).header("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
            String[] name = {null};
            StringBuilder data = new StringBuilder();
            response.body().forEach(line -> {
                if (line.startsWith("event:")) {
                    name[0] = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5));
                } else if (line.isEmpty() && name[0] != null) {
                    events.add(new Event(name[0], data.toString()));
                    name[0] = null;
                    data.setLength(0);
                }
            });
        });
        return new OpenStream(events, ended);
    }

    private HttpResponse<String> call(String method, String path, String bearer, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", bearer).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private long submitAndClaim() throws Exception {
        HttpResponse<String> submitted = call("POST", "/api/v1/runs", fixtures.adminBearer(), Fixtures.SPEC);
        assertThat(submitted.statusCode()).isEqualTo(201);
        long id = ((Number) JsonPath.read(submitted.body(), "$.id")).longValue();
        HttpResponse<String> claim = call("POST", "/api/v1/worker/claim", fixtures.workerBearer(),
                "{\"workerName\": \"w\", \"deviceKind\": \"cpu\", \"deviceMemoryBytes\": 1099511627776, \"waitSeconds\": 0}");
        assertThat(claim.statusCode()).isEqualTo(200);
        return id;
    }

    private static String batch(int from, int to) {
        StringBuilder json = new StringBuilder("{\"attempt\": 1, \"points\": [");
        for (int step = from; step <= to; step++) {
            json.append(step == from ? "" : ",").append("{\"key\":\"train_loss\",\"step\":").append(step)
                    .append(",\"value\":").append(10.0 / (step + 1)).append('}');
        }
        return json.append("]}").toString();
    }

    @Test
    void aClientFollowsStateAndNewPointsUntilTheRunFinishes() throws Exception {
        long id = submitAndClaim();
        OpenStream stream = open(id, fixtures.adminBearer());
        Event first = stream.next();
        assertThat(first.name()).isEqualTo("state");
        assertThat((String) JsonPath.read(first.data(), "$.status")).isEqualTo("RUNNING");
        assertThat((Integer) JsonPath.read(first.data(), "$.attempt")).isEqualTo(1);

        String worker = fixtures.workerBearer();
        for (int from = 0; from < 300; from += 100) {
            assertThat(call("POST", "/api/v1/worker/runs/" + id + "/metrics", worker, batch(from, from + 99)).statusCode()).isEqualTo(204);
        }
        assertThat(call("POST", "/api/v1/worker/runs/" + id + "/finish", worker, "{\"attempt\": 1, \"status\": \"SUCCEEDED\"}")
                .statusCode()).isEqualTo(200);

        TreeMap<Integer, Double> streamed = new TreeMap<>();
        List<String> names = new ArrayList<>();
        Event event;
        do {
            event = stream.nextChangeFrom("RUNNING");
            names.add(event.name());
            if (event.name().equals("metrics")) {
                List<Map<String, Object>> points = JsonPath.read(event.data(), "$.points[*]");
                points.forEach(p -> streamed.put((Integer) p.get("step"), ((Number) p.get("value")).doubleValue()));
            }
        } while (!event.name().equals("state"));
        assertThat((String) JsonPath.read(event.data(), "$.status")).isEqualTo("SUCCEEDED");
        assertThat(names).containsExactly("metrics", "metrics", "metrics", "state");
        assertThat(streamed).hasSize(300);
        streamed.forEach((step, value) -> assertThat(value).isEqualTo(10.0 / (step + 1)));
        stream.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(hub.streamsOf(id)).isZero();
    }

    @Test
    void aNotificationFromAnotherReplicaReachesTheStream() throws Exception {
        long id = submitAndClaim();
        OpenStream stream = open(id, fixtures.adminBearer());
        assertThat(stream.next().name()).isEqualTo("state");
        // what another backend replica's cancel would send: only Postgres connects the two
        jdbc.sql("select pg_notify('normlab_run_events', ?)").param("s:" + id + ":CANCELLED:1").query(Object.class).single();
        Event cancelled = stream.nextChangeFrom("RUNNING");
        assertThat((String) JsonPath.read(cancelled.data(), "$.status")).isEqualTo("CANCELLED");
        stream.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aStreamOfAnEndedRunSendsItsStateAndEndsAndOtherTeamsGet404() throws Exception {
        long id = submitAndClaim();
        call("POST", "/api/v1/worker/runs/" + id + "/finish", fixtures.workerBearer(), "{\"attempt\": 1, \"status\": \"FAILED\", \"failure\": \"OOM\", \"error\": \"x\"}");
        OpenStream stream = open(id, fixtures.adminBearer());
        assertThat((String) JsonPath.read(stream.next().data(), "$.status")).isEqualTo("FAILED");
        stream.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        HttpRequest foreign = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/runs/" + id + "/events"))
                .header("Authorization", fixtures.newTeam("sse").bearer()).GET().build();
        assertThat(http.send(foreign, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }
}
