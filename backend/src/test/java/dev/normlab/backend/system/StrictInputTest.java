package dev.normlab.backend.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.support.WorkerClient;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/** Input PostgreSQL cannot store, or that Jackson would silently change, is a 400 naming the field. */
@SpringBootTest
@AutoConfigureMockMvc
class StrictInputTest {

    @Autowired
    MockMvcTester mvc;
    @Autowired
    Fixtures fixtures;
    @Autowired
    JdbcClient jdbc;

    private MvcTestResult get(String uri) {
        // a URI, not a template: a template would encode the % of %00
        return mvc.get().uri(URI.create(uri)).header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()).exchange();
    }

    private MvcTestResult submit(String body) {
        return mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content(body).exchange();
    }

    private static void assertBadRequestNaming(MvcTestResult result, String field) {
        assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
        assertThat(result).headers().hasValue(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(result).bodyJson().extractingPath("$.errors[0].field").isEqualTo(field);
    }

    @Test
    void aNulByteInAQueryParameterIsA400NamingIt() {
        long run = Fixtures.idOf(submit(Fixtures.SPEC));
        assertBadRequestNaming(get("/api/v1/runs?name=a%00b"), "name");
        assertBadRequestNaming(get("/api/v1/runs?tag=%00"), "tag");
        assertBadRequestNaming(get("/api/v1/runs?project=default%00"), "project");
        assertBadRequestNaming(get("/api/v1/runs/" + run + "/metrics?keys=train_loss,%00"), "keys");
        assertBadRequestNaming(get("/api/v1/compare?runs=" + run + "&key=%00"), "key");
        // an encoded lone surrogate is not UTF-8: refused, not turned into U+FFFD
        assertBadRequestNaming(get("/api/v1/runs?name=%ED%A0%80"), "name");
        assertThat(get("/api/v1/runs?name=%E2%82%AC")).hasStatusOk();
    }

    @Test
    void aNulByteOrALoneSurrogateInASpecStringIsA400NamingTheField() {
        long before = jdbc.sql("select count(*) from runs").query(Long.class).single();
        assertBadRequestNaming(submit("""
                {"project": "default", "name": "a\\u0000b", "optimizer": {"name": "sinkgd"}}"""), "name");
        assertBadRequestNaming(submit("""
                {"project": "default", "tags": ["ok", "\\u0000"], "optimizer": {"name": "sinkgd"}}"""), "tags[1]");
        assertBadRequestNaming(submit("""
                {"project": "default", "data": {"corpus": "x\\u0000"}, "optimizer": {"name": "sinkgd"}}"""), "data.corpus");
        assertBadRequestNaming(submit("""
                {"project": "default", "name": "\\ud800", "optimizer": {"name": "sinkgd"}}"""), "name");
        assertThat(jdbc.sql("select count(*) from runs").query(Long.class).single()).isEqualTo(before);
    }

    @Test
    void aValidSurrogatePairIsKeptExactly() {
        MvcTestResult created = submit("""
                {"project": "default", "name": "emoji \\ud83d\\ude00", "optimizer": {"name": "sinkgd"}, "steps": 10}""");
        assertThat(created).hasStatus(HttpStatus.CREATED);
        assertThat(get("/api/v1/runs/" + Fixtures.idOf(created))).bodyJson().extractingPath("$.name")
                .isEqualTo("emoji \uD83D\uDE00");
    }

    @Test
    void aFractionForAnIntegerIsRefusedNotTruncated() {
        assertBadRequestNaming(submit("""
                {"project": "default", "optimizer": {"name": "sinkgd"}, "steps": 1.5}"""), "steps");
        assertBadRequestNaming(submit("""
                {"project": "default", "optimizer": {"name": "sinkgd", "sinkhornRounds": 2.5}}"""), "optimizer.sinkhornRounds");

        fixtures.deleteAllRuns();
        long run = Fixtures.idOf(submit(Fixtures.SPEC));
        WorkerClient worker = new WorkerClient(mvc, fixtures.workerBearer());
        assertThat(worker.claimRun()).isEqualTo(run);
        MvcTestResult batch = mvc.post().uri("/api/v1/worker/runs/" + run + "/metrics")
                .header(HttpHeaders.AUTHORIZATION, fixtures.workerBearer()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"attempt\": 1, \"points\": [{\"key\": \"train_loss\", \"step\": 1.5, \"value\": 2.0}]}").exchange();
        assertBadRequestNaming(batch, "points[0].step");
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        assertBadRequestNaming(submit("""
                {"project": "default", "optimizer": {"name": "sinkgd"}, "steps": 10, "steps": 20}"""), "steps");
        assertBadRequestNaming(submit("""
                {"project": "default", "optimizer": {"name": "sinkgd", "lr": 0.1, "lr": 0.2}}"""), "optimizer.lr");
    }

    @Test
    void aTokenBudgetBeyondTheStepCapIsRefused() {
        assertBadRequestNaming(submit("""
                {"project": "default", "optimizer": {"name": "sinkgd"}, "tokenBudget": 9223372036854775807,
                 "seqLen": 1, "batchSize": 1}"""), "tokenBudget");
    }
}
