package dev.normlab.backend.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** The worker protocol over MockMvc with the bootstrap's worker token. */
public record WorkerClient(MockMvcTester mvc, String bearer) {

    public MvcTestResult claim(String deviceKind, long memory, int waitSeconds) {
        return post("/api/v1/worker/claim", "{\"workerName\": \"test-worker\", \"deviceKind\": \"" + deviceKind
                + "\", \"deviceMemoryBytes\": " + memory + ", \"waitSeconds\": " + waitSeconds + "}");
    }

    /** Claims the next run on a big CPU worker; fails the test when none comes. */
    public long claimRun() {
        MvcTestResult result = claim("cpu", 1L << 40, 0);
        assertThat(result).hasStatus(HttpStatus.OK);
        return runIdOf(result);
    }

    public static long runIdOf(MvcTestResult claim) {
        return ((Number) com.jayway.jsonpath.JsonPath.read(
                new String(claim.getResponse().getContentAsByteArray(), java.nio.charset.StandardCharsets.UTF_8), "$.runId")).longValue();
    }

    public MvcTestResult heartbeat(long run, int attempt) {
        return post("/api/v1/worker/runs/" + run + "/heartbeat", "{\"attempt\": " + attempt + "}");
    }

    public MvcTestResult checkpoint(long run, int attempt, long step, String location) {
        return post("/api/v1/worker/runs/" + run + "/checkpoint",
                "{\"attempt\": " + attempt + ", \"step\": " + step + ", \"location\": \"" + location + "\"}");
    }

    public MvcTestResult finish(long run, int attempt, String body) {
        return post("/api/v1/worker/runs/" + run + "/finish", "{\"attempt\": " + attempt + ", " + body + "}");
    }

    public MvcTestResult release(long run, int attempt) {
        return post("/api/v1/worker/runs/" + run + "/release", "{\"attempt\": " + attempt + ", \"reason\": \"SIGTERM\"}");
    }

    /** Any worker call with a hand-written body (protocol fields the helpers above do not cover). */
    public MvcTestResult post(String uri, String body) {
        return mvc.post().uri(uri).header(HttpHeaders.AUTHORIZATION, bearer).contentType(MediaType.APPLICATION_JSON)
                .content(body).exchange();
    }
}
