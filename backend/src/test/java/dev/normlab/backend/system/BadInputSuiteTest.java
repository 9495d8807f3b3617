package dev.normlab.backend.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.normlab.backend.support.Fixtures;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The bad-input table of docs/benchmarks.md: malformed bodies, query parameters, path segments, metric batches and
 * specs sent over real HTTP (Tomcat included) to a running backend. Every case must get a clean 4xx: problem+json
 * whose status is the response's, and for a 400 an {@code errors} list naming a field. The table is written to
 * {@code backend/target/bad-input.md}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BadInputSuiteTest {

    @LocalServerPort
    int port;
    @Autowired
    Fixtures fixtures;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private enum Who { USER, WORKER }

    private record Case(String group, String name, String method, String path, String contentType, byte[] body, Who who) {
    }

    private record Outcome(Case c, int status, String contentType, String body, String verdict) {
        boolean clean() {
            return verdict == null;
        }
    }

    private final List<Case> cases = new ArrayList<>();

    private void add(String group, String name, String method, String path, String body) {
        add(group, name, method, path, "application/json", body == null ? null : body.getBytes(StandardCharsets.UTF_8), Who.USER);
    }

    private void add(String group, String name, String method, String path, String contentType, byte[] body, Who who) {
        cases.add(new Case(group, name, method, path, contentType, body, who));
    }

    private void worker(String group, String name, String path, String body) {
        add(group, name, "POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8), Who.WORKER);
    }

    /** A spec valid but for the given fields. */
    private void spec(String name, String fields) {
        add("specs", name, "POST", "/api/v1/runs", "{\"project\": \"default\", \"optimizer\": {\"name\": \"sinkgd\"}, " + fields + "}");
    }

    private static byte[] bytes(String before, byte[] raw, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(raw);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private void specs() {
        spec("seqLen 0", "\"seqLen\": 0");
        spec("seqLen above 32768", "\"seqLen\": 40000");
        spec("seqLen negative", "\"seqLen\": -1");
        spec("seqLen overflows int", "\"seqLen\": 2147483648");
        spec("seqLen a string", "\"seqLen\": \"long\"");
        spec("seqLen a fraction", "\"seqLen\": 1.5");
        spec("batchSize 0", "\"batchSize\": 0");
        spec("batchSize above 4096", "\"batchSize\": 5000");
        spec("gradAccum 0", "\"gradAccum\": 0");
        spec("gradAccum above 1024", "\"gradAccum\": 2000");
        spec("steps 0", "\"steps\": 0");
        spec("steps above 100M", "\"steps\": 100000001");
        spec("steps a fraction", "\"steps\": 1.5");
        spec("steps 1e30", "\"steps\": 1e30");
        spec("steps overflows long", "\"steps\": 9223372036854775808");
        spec("tokenBudget deriving > 100M steps", "\"tokenBudget\": 9223372036854775807, \"seqLen\": 1, \"batchSize\": 1");
        spec("tokenBudget below one step", "\"tokenBudget\": 1");
        spec("steps and tokenBudget", "\"steps\": 10, \"tokenBudget\": 100000");
        spec("evalEvery negative", "\"evalEvery\": -1");
        spec("evalEvery above 100M", "\"evalEvery\": 2147483647");
        spec("evalBatches 0", "\"evalBatches\": 0");
        spec("gradClip negative", "\"gradClip\": -1");
        spec("gradClip 1e400 (infinite)", "\"gradClip\": 1e400");
        spec("checkpointEvery above 100M", "\"checkpointEvery\": 2147483647");
        spec("seed a string", "\"seed\": \"x\"");
        spec("seed a fraction", "\"seed\": 1.5");
        spec("device tpu", "\"device\": \"tpu\"");
        spec("precision fp8", "\"precision\": \"fp8\"");
        spec("bf16 on cpu", "\"precision\": \"bf16\", \"device\": \"cpu\"");
        spec("priority 5000", "\"priority\": 5000");
        spec("model preset unknown", "\"model\": {\"preset\": \"gpt-5\"}");
        spec("heads do not divide hidden", "\"model\": {\"hidden\": 64, \"intermediate\": 128, \"heads\": 5, \"layers\": 2}");
        spec("model incomplete", "\"model\": {\"hidden\": 64}");
        spec("model layers huge", "\"model\": {\"preset\": \"nano\", \"layers\": 100000}");
        spec("model vocab 0", "\"model\": {\"preset\": \"nano\", \"vocab\": 0}");
        spec("model an array", "\"model\": []");
        spec("data format csv", "\"data\": {\"format\": \"csv\"}");
        spec("data heldOutFraction 0.9", "\"data\": {\"heldOutFraction\": 0.9}");
        spec("data corpus blank", "\"data\": {\"corpus\": \"\"}");
        spec("schedule warmupFraction 2", "\"schedule\": {\"warmupFraction\": 2}");
        spec("schedule minLrRatio negative", "\"schedule\": {\"minLrRatio\": -1}");
        spec("tokenizer unknown", "\"tokenizer\": \"sentencepiece\"");
        spec("33 tags", "\"tags\": [" + "\"t\",".repeat(32) + "\"t\"]");
        spec("blank tag", "\"tags\": [\"\"]");
        spec("65-char tag", "\"tags\": [\"" + "t".repeat(65) + "\"]");
        spec("tags a string", "\"tags\": \"smoke\"");
        spec("201-char name", "\"name\": \"" + "n".repeat(201) + "\"");
        spec("NUL in name", "\"name\": \"a\\u0000b\"");
        spec("NUL in a tag", "\"tags\": [\"\\u0000\"]");
        spec("NUL in data.corpus", "\"data\": {\"corpus\": \"x\\u0000\"}");
        spec("NUL in tokenizer", "\"tokenizer\": \"hf:/tmp/\\u0000\"");
        spec("lone high surrogate in name", "\"name\": \"\\ud800\"");
        spec("lone low surrogate in name", "\"name\": \"x\\udc00y\"");
        spec("unknown field", "\"stepz\": 10");
        add("specs", "project missing", "POST", "/api/v1/runs", "{\"optimizer\": {\"name\": \"sinkgd\"}}");
        add("specs", "optimizer missing", "POST", "/api/v1/runs", "{\"project\": \"default\"}");
        add("specs", "project unknown", "POST", "/api/v1/runs", "{\"project\": \"nope\", \"optimizer\": {\"name\": \"sinkgd\"}}");
        String[][] optimizer = {
                {"optimizer unknown", "\"name\": \"lion\""}, {"lr 0", "\"name\": \"sinkgd\", \"lr\": 0"},
                {"lr 100", "\"name\": \"sinkgd\", \"lr\": 100"}, {"lr 1e400", "\"name\": \"sinkgd\", \"lr\": 1e400"},
                {"lr a string", "\"name\": \"sinkgd\", \"lr\": \"fast\""}, {"beta1 1", "\"name\": \"adamw\", \"beta1\": 1"},
                {"eps 2", "\"name\": \"adamw\", \"eps\": 2"}, {"weightDecay 11", "\"name\": \"adamw\", \"weightDecay\": 11"},
                {"momentum 1", "\"name\": \"sgd\", \"momentum\": 1"}, {"sinkhornRounds 0", "\"name\": \"sinkgd\", \"sinkhornRounds\": 0"},
                {"sinkhornRounds a fraction", "\"name\": \"sinkgd\", \"sinkhornRounds\": 2.5"},
                {"newtonSchulzSteps 1000", "\"name\": \"swan\", \"newtonSchulzSteps\": 1000"},
                {"alpha 0", "\"name\": \"sinkgd\", \"alpha\": 0"}, {"NUL in optimizer name", "\"name\": \"sinkgd\\u0000\""},
                {"unknown optimizer field", "\"name\": \"sgd\", \"momentun\": 0.9"}};
        for (String[] o : optimizer) {
            add("specs", o[0], "POST", "/api/v1/runs", "{\"project\": \"default\", \"optimizer\": {" + o[1] + "}}");
        }
        add("specs", "optimizer a string", "POST", "/api/v1/runs", "{\"project\": \"default\", \"optimizer\": \"sinkgd\"}");
    }

    private void bodies(long run) {
        String runs = "/api/v1/runs";
        add("bodies", "empty body", "POST", runs, "");
        add("bodies", "null", "POST", runs, "null");
        add("bodies", "an array", "POST", runs, "[]");
        add("bodies", "a number", "POST", runs, "42");
        add("bodies", "unterminated object", "POST", runs, "{");
        add("bodies", "trailing comma", "POST", runs, "{\"project\": \"default\",}");
        add("bodies", "trailing garbage", "POST", runs, "{\"project\": \"default\", \"optimizer\": {\"name\": \"sgd\"}} x");
        add("bodies", "two objects", "POST", runs, "{} {}");
        add("bodies", "single quotes", "POST", runs, "{'project': 'default'}");
        add("bodies", "a comment", "POST", runs, "{/* c */ \"project\": \"default\"}");
        add("bodies", "NaN token", "POST", runs, "{\"project\": \"default\", \"optimizer\": {\"name\": \"sgd\", \"lr\": NaN}}");
        add("bodies", "nesting 5000 deep", "POST", runs, "{\"project\": " + "[".repeat(5000) + "]".repeat(5000) + "}");
        add("bodies", "a 10000-digit number", "POST", runs, "{\"project\": \"default\", \"steps\": " + "9".repeat(10000) + "}");
        add("bodies", "invalid UTF-8 byte", "POST", runs, "application/json",
                bytes("{\"project\": \"default\", \"name\": \"", new byte[] {(byte) 0xFF}, "\", \"optimizer\": {\"name\": \"sgd\"}}"), Who.USER);
        add("bodies", "UTF-8-encoded lone surrogate", "POST", runs, "application/json",
                bytes("{\"project\": \"default\", \"name\": \"", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        "\", \"optimizer\": {\"name\": \"sgd\"}}"), Who.USER);
        add("bodies", "raw NUL byte in a string", "POST", runs, "application/json",
                bytes("{\"project\": \"default\", \"name\": \"", new byte[] {0}, "\", \"optimizer\": {\"name\": \"sgd\"}}"), Who.USER);
        add("bodies", "raw control character in a string", "POST", runs, "application/json",
                bytes("{\"project\": \"default\", \"name\": \"", new byte[] {1}, "\", \"optimizer\": {\"name\": \"sgd\"}}"), Who.USER);
        add("bodies", "duplicate key", "POST", runs, "{\"project\": \"default\", \"project\": \"other\", \"optimizer\": {\"name\": \"sgd\"}}");
        add("bodies", "duplicate nested key", "POST", runs, "{\"project\": \"default\", \"optimizer\": {\"name\": \"sgd\", \"name\": \"swan\"}}");
        add("bodies", "text/plain", "POST", runs, "text/plain", "{}".getBytes(StandardCharsets.UTF_8), Who.USER);
        add("bodies", "no content type", "POST", runs, null, "{}".getBytes(StandardCharsets.UTF_8), Who.USER);
        add("bodies", "9 MB body", "POST", runs, "{\"project\": \"default\", \"name\": \"" + "x".repeat(9 << 20) + "\"}");
        add("bodies", "patch: 201-char name", "PATCH", runs + "/" + run, "{\"name\": \"" + "n".repeat(201) + "\"}");
        add("bodies", "patch: NUL in a tag", "PATCH", runs + "/" + run, "{\"tags\": [\"a\\u0000\"]}");
        add("bodies", "patch: lone surrogate in notes", "PATCH", runs + "/" + run, "{\"notes\": \"\\udbff\"}");
        add("bodies", "patch: unknown field", "PATCH", runs + "/" + run, "{\"status\": \"SUCCEEDED\"}");
        add("bodies", "clone: not an object", "POST", runs + "/" + run + "/clone", "[1]");
        add("bodies", "clone: steps a fraction", "POST", runs + "/" + run + "/clone", "{\"steps\": 1.5}");
        add("bodies", "clone: NUL in name", "POST", runs + "/" + run + "/clone", "{\"name\": \"\\u0000\"}");
        add("bodies", "clone: unknown optimizer", "POST", runs + "/" + run + "/clone", "{\"optimizer\": {\"name\": \"lion\"}}");
        add("bodies", "project: blank name", "POST", "/api/v1/projects", "{\"name\": \"\"}");
        add("bodies", "project: NUL in name", "POST", "/api/v1/projects", "{\"name\": \"p\\u0000\"}");
        add("bodies", "project: slash in name", "POST", "/api/v1/projects", "{\"name\": \"a/b\"}");
        add("bodies", "sign-in: NUL in username", "POST", "/api/v1/session", "{\"username\": \"ad\\u0000min\", \"password\": \"x\"}");
        add("bodies", "sign-in: lone surrogate in password", "POST", "/api/v1/session", "{\"username\": \"admin\", \"password\": \"\\udfff\"}");
        add("bodies", "token: unknown kind", "POST", "/api/v1/tokens", "{\"name\": \"t\", \"kind\": \"ROOT\"}");
        add("bodies", "token: NUL in name", "POST", "/api/v1/tokens", "{\"name\": \"\\u0000\", \"kind\": \"USER\"}");
        String claim = "/api/v1/worker/claim";
        worker("bodies", "claim: device tpu", claim, "{\"workerName\": \"w\", \"deviceKind\": \"tpu\", \"deviceMemoryBytes\": 1}");
        worker("bodies", "claim: negative memory", claim, "{\"workerName\": \"w\", \"deviceKind\": \"cpu\", \"deviceMemoryBytes\": -1}");
        worker("bodies", "claim: memory a fraction", claim, "{\"workerName\": \"w\", \"deviceKind\": \"cpu\", \"deviceMemoryBytes\": 1.5}");
        worker("bodies", "claim: waitSeconds 61", claim,
                "{\"workerName\": \"w\", \"deviceKind\": \"cpu\", \"deviceMemoryBytes\": 1, \"waitSeconds\": 61}");
        worker("bodies", "claim: NUL in workerName", claim, "{\"workerName\": \"w\\u0000\", \"deviceKind\": \"cpu\", \"deviceMemoryBytes\": 1}");
        String w = "/api/v1/worker/runs/" + run;
        worker("bodies", "heartbeat: attempt a string", w + "/heartbeat", "{\"attempt\": \"one\"}");
        worker("bodies", "heartbeat: attempt a fraction", w + "/heartbeat", "{\"attempt\": 1.5}");
        worker("bodies", "checkpoint: negative step", w + "/checkpoint", "{\"attempt\": 1, \"step\": -1, \"location\": \"x\"}");
        worker("bodies", "checkpoint: NUL in location", w + "/checkpoint", "{\"attempt\": 1, \"step\": 1, \"location\": \"x\\u0000\"}");
        worker("bodies", "finish: unknown status", w + "/finish", "{\"attempt\": 1, \"status\": \"DONE\"}");
        worker("bodies", "finish: NUL in error", w + "/finish", "{\"attempt\": 1, \"status\": \"FAILED\", \"error\": \"\\u0000\"}");
        worker("bodies", "finish: NUL in a memory group", w + "/finish", "{\"attempt\": 1, \"status\": \"SUCCEEDED\", \"summary\": "
                + "{\"memory\": {\"optimizerStateBytesByGroup\": {\"hid\\u0000den\": 1}}}}");
        worker("bodies", "release: lone surrogate in reason", w + "/release", "{\"attempt\": 1, \"reason\": \"\\ud800\"}");
    }

    private void queries(long run) {
        String[] runParams = {"name=a%00b", "tag=%00", "project=default%00", "status=%00", "optimizer=%00", "sort=%00", "order=%00",
                "status=BOGUS", "optimizer=lion", "sort=x", "order=up", "page=-1", "page=x", "page=1.5", "page=99999999999",
                "size=0", "size=501", "size=x", "name=%ED%A0%80", "name=%C3", "%00=1"};
        for (String q : runParams) {
            add("query parameters", "runs?" + q, "GET", "/api/v1/runs?" + q, null);
        }
        String m = "/api/v1/runs/" + run + "/metrics?";
        for (String q : new String[] {"keys=%00", "keys=train_loss,%00", "keys=%ED%B0%80", "x=bogus", "x=%00", "from=x",
                "to=1e", "maxPoints=1", "maxPoints=10001", "maxPoints=x", "maxPoints=99999999999"}) {
            add("query parameters", "metrics?" + q, "GET", m + q, null);
        }
        for (String q : new String[] {"key=train_loss", "runs=" + run, "runs=abc&key=k", "runs=" + run + "&key=%00",
                "runs=" + run + "&key=k&x=bogus", "runs=" + run + "&key=k&maxPoints=0", "runs=99999999999999999999&key=k",
                "runs=" + java.util.stream.IntStream.rangeClosed(1, 51).mapToObj(Integer::toString)
                        .collect(java.util.stream.Collectors.joining(",")) + "&key=k"}) {
            add("query parameters", "compare?" + q, "GET", "/api/v1/compare?" + q, null);
        }
        for (String q : new String[] {"", "model=%00", "model=gpt-5", "model=nano&optimizers=lion", "model=nano&optimizers=%00",
                "model=nano&dtype=fp8", "model=nano&dtype=%00"}) {
            add("query parameters", "memory/estimate?" + q, "GET", "/api/v1/memory/estimate?" + q, null);
        }
        for (String p : new String[] {"abc", "1.5", "99999999999999999999", "%00", "1%00", "%ED%A0%80"}) {
            add("path segments", "runs/" + p, "GET", "/api/v1/runs/" + p, null);
        }
    }

    private void metricBatches(long run) {
        String path = "/api/v1/worker/runs/" + run + "/metrics";
        String[][] points = {
                {"step a fraction", "\"key\": \"train_loss\", \"step\": 1.5, \"value\": 1"},
                {"step negative", "\"key\": \"train_loss\", \"step\": -1, \"value\": 1"},
                {"step a string", "\"key\": \"train_loss\", \"step\": \"x\", \"value\": 1"},
                {"step 1e30", "\"key\": \"train_loss\", \"step\": 1e30, \"value\": 1"},
                {"step overflows long", "\"key\": \"train_loss\", \"step\": 9223372036854775808, \"value\": 1"},
                {"step missing", "\"key\": \"train_loss\", \"value\": 1"},
                {"value NaN", "\"key\": \"train_loss\", \"step\": 1, \"value\": NaN"},
                {"value Infinity", "\"key\": \"train_loss\", \"step\": 1, \"value\": Infinity"},
                {"value \\\"NaN\\\"", "\"key\": \"train_loss\", \"step\": 1, \"value\": \"NaN\""},
                {"value 1e400", "\"key\": \"train_loss\", \"step\": 1, \"value\": 1e400"},
                {"value null", "\"key\": \"train_loss\", \"step\": 1, \"value\": null"},
                {"value a word", "\"key\": \"train_loss\", \"step\": 1, \"value\": \"low\""},
                {"key with NUL", "\"key\": \"loss\\u0000\", \"step\": 1, \"value\": 1"},
                {"key with a space", "\"key\": \"train loss\", \"step\": 1, \"value\": 1"},
                {"key 65 chars", "\"key\": \"" + "k".repeat(65) + "\", \"step\": 1, \"value\": 1"},
                {"key missing", "\"step\": 1, \"value\": 1"},
                {"key a lone surrogate", "\"key\": \"\\ud800\", \"step\": 1, \"value\": 1"},
                {"tokens negative", "\"key\": \"train_loss\", \"step\": 1, \"tokens\": -1, \"value\": 1"},
                {"tokens a fraction", "\"key\": \"train_loss\", \"step\": 1, \"tokens\": 0.5, \"value\": 1"},
                {"seconds negative", "\"key\": \"train_loss\", \"step\": 1, \"seconds\": -1, \"value\": 1"},
                {"seconds 1e400", "\"key\": \"train_loss\", \"step\": 1, \"seconds\": 1e400, \"value\": 1"},
                {"duplicate key in a point", "\"key\": \"train_loss\", \"step\": 1, \"step\": 2, \"value\": 1"},
                {"unknown field in a point", "\"key\": \"train_loss\", \"step\": 1, \"value\": 1, \"epoch\": 1"}};
        for (String[] p : points) {
            worker("metric batches", p[0], path, "{\"attempt\": 1, \"points\": [{" + p[1] + "}]}");
        }
        worker("metric batches", "points not an array", path, "{\"attempt\": 1, \"points\": {}}");
        worker("metric batches", "points null", path, "{\"attempt\": 1, \"points\": null}");
        worker("metric batches", "a null point", path, "{\"attempt\": 1, \"points\": [null]}");
        worker("metric batches", "attempt missing", path, "{\"points\": []}");
        worker("metric batches", "attempt a string", path, "{\"attempt\": \"one\", \"points\": []}");
        worker("metric batches", "attempt a fraction", path, "{\"attempt\": 1.5, \"points\": []}");
        worker("metric batches", "10001 points", path, "{\"attempt\": 1, \"points\": ["
                + "{\"key\": \"k\", \"step\": 1, \"value\": 1},".repeat(10000) + "{\"key\": \"k\", \"step\": 1, \"value\": 1}]}");
        worker("metric batches", "empty body", path, "");
        worker("metric batches", "an array", path, "[]");
        worker("metric batches", "truncated", path, "{\"attempt\": 1, \"points\": [{\"key\": \"k\", ");
    }

    private Outcome send(Case c) throws Exception {
        String bearer = c.who() == Who.WORKER ? fixtures.workerBearer() : fixtures.adminBearer();
        HttpRequest.BodyPublisher body = c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + c.path()))
                .timeout(Duration.ofSeconds(30)).header("Authorization", bearer).method(c.method(), body);
        if (c.contentType() != null) {
            request.header("Content-Type", c.contentType());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        return new Outcome(c, response.statusCode(), contentType, response.body(), verdict(response.statusCode(), contentType, response.body()));
    }

    /** Null when the answer is a clean 4xx problem+json, else what is wrong with it. */
    private static String verdict(int status, String contentType, String body) {
        if (status < 400 || status >= 500) {
            return "status " + status;
        }
        if (!contentType.startsWith("application/problem+json")) {
            return "content type '" + contentType + "'";
        }
        try {
            Number declared = JsonPath.read(body, "$.status");
            if (declared.intValue() != status) {
                return "problem status " + declared + " != " + status;
            }
            if (status == 400) {
                List<String> fields = JsonPath.read(body, "$.errors[*].field");
                if (fields.isEmpty() || fields.stream().anyMatch(f -> f == null || f.isBlank())) {
                    return "a 400 without a named field";
                }
            }
        } catch (RuntimeException e) {
            return "not a problem document: " + e.getMessage();
        }
        return null;
    }

    @Test
    void everyMalformedInputGetsACleanProblemJson4xx() throws Exception {
        fixtures.deleteAllRuns();
        HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/runs"))
                .header("Authorization", fixtures.adminBearer()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Fixtures.SPEC)).build(), HttpResponse.BodyHandlers.ofString());
        long run = ((Number) JsonPath.read(submitted.body(), "$.id")).longValue();
        HttpResponse<String> claimed = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/worker/claim"))
                .header("Authorization", fixtures.workerBearer()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"workerName\": \"bad-input\", \"deviceKind\": \"cpu\", "
                        + "\"deviceMemoryBytes\": 1099511627776, \"waitSeconds\": 0}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(((Number) JsonPath.read(claimed.body(), "$.runId")).longValue()).isEqualTo(run);

        bodies(run);
        queries(run);
        metricBatches(run);
        specs();
        List<Outcome> outcomes = new ArrayList<>();
        for (Case c : cases) {
            outcomes.add(send(c));
        }

        Map<String, int[]> byGroup = new LinkedHashMap<>(); // cases, clean, 5xx
        for (Outcome o : outcomes) {
            int[] counts = byGroup.computeIfAbsent(o.c().group(), g -> new int[3]);
            counts[0]++;
            counts[1] += o.clean() ? 1 : 0;
            counts[2] += o.status() >= 500 ? 1 : 0;
        }
        StringBuilder table = new StringBuilder("| class | cases | clean 4xx problem+json | server errors (5xx) |\n|---|---:|---:|---:|\n");
        int[] total = new int[3];
        byGroup.forEach((group, c) -> {
            table.append("| ").append(group).append(" | ").append(c[0]).append(" | ").append(c[1]).append(" | ").append(c[2]).append(" |\n");
            for (int i = 0; i < 3; i++) {
                total[i] += c[i];
            }
        });
        table.append("| **all** | ").append(total[0]).append(" | ").append(total[1]).append(" | ").append(total[2]).append(" |\n");
        StringBuilder failures = new StringBuilder();
        StringBuilder statuses = new StringBuilder("\n| class | case | status | field |\n|---|---|---:|---|\n");
        for (Outcome o : outcomes) {
            if (!o.clean()) {
                failures.append(o.c().group()).append(" / ").append(o.c().name()).append(": ").append(o.verdict()).append(" — ")
                        .append(o.body().length() > 300 ? o.body().substring(0, 300) : o.body()).append('\n');
            }
            String field = "";
            try {
                List<String> fields = JsonPath.read(o.body(), "$.errors[*].field");
                field = String.join(", ", fields);
            } catch (RuntimeException e) {
                // not a 400 with errors
            }
            statuses.append("| ").append(o.c().group()).append(" | ").append(o.c().name().replace("|", "\\|")).append(" | ")
                    .append(o.status()).append(" | ").append(field.replace("|", "\\|")).append(" |\n");
        }
        Path out = Path.of("target", "bad-input.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table + statuses.toString() + (failures.isEmpty() ? "" : "\nNot clean:\n" + failures));
        System.out.println(table);

        assertThat(failures.toString()).as("cases without a clean 4xx problem+json").isEmpty();
    }
}
