package dev.normlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What a user does over REST with the admin token: submit, look at, cancel runs and read their metrics. */
final class UserApi {

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private final URI base;
    private final String bearer;

    UserApi(URI base, String token) {
        this.base = base;
        this.bearer = "Bearer " + token;
    }

    /** Submits a spec; returns the new run's id. */
    long submit(String spec) {
        HttpResponse<String> response = send(request("/api/v1/runs")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(spec)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json.readTree(response.body()).path("id").asLong();
    }

    JsonNode run(long id) {
        HttpResponse<String> response = send(request("/api/v1/runs/" + id).GET());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    void cancel(long id) {
        HttpResponse<String> response = send(request("/api/v1/runs/" + id + "/cancel")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 204);
    }

    /** GET of any user endpoint that answers 200 with JSON. */
    JsonNode get(String pathAndQuery) {
        HttpResponse<String> response = send(request(pathAndQuery).GET());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    /** POST of a JSON body to any user endpoint that answers 2xx. */
    JsonNode post(String path, String body) {
        HttpResponse<String> response = send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return response.body().isEmpty() ? null : json.readTree(response.body());
    }

    /** One stored point of a metric. */
    record Point(long step, double value) {
    }

    /** Every stored point of {@code key}, in step order (raw points: a run here has fewer than maxPoints). */
    List<Point> curve(long id, String key) {
        HttpResponse<String> response = send(request("/api/v1/runs/" + id + "/metrics?keys=" + key + "&maxPoints=10000").GET());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode history = json.readTree(response.body());
        List<JsonNode> series = StreamSupport.stream(history.path("series").spliterator(), false)
                .filter(s -> key.equals(s.path("key").asString())).toList();
        if (series.isEmpty()) {
            return List.of();
        }
        assertThat(series).hasSize(1);
        assertThat(series.get(0).path("sampled").asBoolean()).as("raw points expected").isFalse();
        return StreamSupport.stream(series.get(0).path("points").spliterator(), false)
                .map(point -> new Point(point.path("step").asLong(), point.path("value").asDouble())).toList();
    }

    /** The steps of every stored point of {@code key}, in order. */
    List<Long> steps(long id, String key) {
        return curve(id, key).stream().map(Point::step).toList();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", bearer);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
