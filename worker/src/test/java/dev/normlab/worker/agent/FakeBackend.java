package dev.normlab.worker.agent;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An HTTP server on localhost that answers the worker protocol from a script, for the failure modes the real
 * backend does not produce on demand (5xx, lost acknowledgements). The real backend is exercised by the e2e module.
 */
final class FakeBackend implements AutoCloseable {

    record Call(String path, JsonNode body) {
    }

    record Answer(int status, String body) {
        static Answer noContent() {
            return new Answer(204, null);
        }

        static Answer json(String body) {
            return new Answer(200, body);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Function<Call, Answer> script;

    FakeBackend(Function<Call, Answer> script) {
        this.script = script;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!"Bearer test-token".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Call call = new Call(exchange.getRequestURI().getPath(), JSON.readTree(body));
                calls.add(call);
                Answer answer = this.script.apply(call);
                if (answer.body() == null) {
                    exchange.sendResponseHeaders(answer.status(), -1);
                    return;
                }
                byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type",
                        answer.status() >= 400 ? "application/problem+json" : "application/json");
                exchange.sendResponseHeaders(answer.status(), bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    BackendClient client() {
        return new BackendClient(HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "test-token");
    }

    void script(Function<Call, Answer> script) {
        this.script = script;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String pathSuffix) {
        return calls.stream().filter(call -> call.path().endsWith(pathSuffix)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
