package dev.normlab.backend.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.support.Fixtures;
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

@SpringBootTest
@AutoConfigureMockMvc
class RunApiTest {

    @Autowired
    MockMvcTester mvc;
    @Autowired
    Fixtures fixtures;
    @Autowired
    JdbcClient jdbc;

    private MvcTestResult submit(String bearer, String body) {
        return mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, bearer)
                .contentType(MediaType.APPLICATION_JSON).content(body).exchange();
    }

    @Test
    void aValidSubmissionIsQueuedWithLocationDefaultsAndAnalyticMemory() {
        MvcTestResult result = submit(fixtures.adminBearer(), """
                {"project": "default", "name": "sinkgd nano", "tags": ["smoke"],
                 "optimizer": {"name": "sinkgd"}, "steps": 10}""");

        assertThat(result).hasStatus(HttpStatus.CREATED);
        long id = Fixtures.idOf(result);
        assertThat(result).headers().hasValue(HttpHeaders.LOCATION, "/api/v1/runs/" + id);
        assertThat(result).bodyJson().extractingPath("$.status").isEqualTo("QUEUED");
        assertThat(result).bodyJson().extractingPath("$.attempt").isEqualTo(0);
        assertThat(result).bodyJson().extractingPath("$.project").isEqualTo("default");
        assertThat(result).bodyJson().extractingPath("$.spec.seqLen").isEqualTo(256);
        assertThat(result).bodyJson().extractingPath("$.spec.optimizer.sinkhornRounds").isEqualTo(5);
        assertThat(result).bodyJson().extractingPath("$.memory.optimizer").isEqualTo("sinkgd");
        assertThat(result).bodyJson().extractingPath("$.memory.stateBytes").asNumber().satisfies(n -> assertThat(n.longValue()).isPositive());
        // the spec is its record components only: no validation helpers leak into the JSON
        assertThat(result).bodyJson().extractingPath("$.spec").asMap()
                .doesNotContainKeys("lengthUnambiguous", "precisionSupportedByDevice", "tokenBudgetAtLeastOneStep");
        assertThat(result).bodyJson().extractingPath("$.spec.model").asMap().doesNotContainKeys("complete", "headDimensionIntegral");
        assertThat(result).bodyJson().extractingPath("$.spec.data").asMap().doesNotContainKey("europarl");
        Double vtime = jdbc.sql("select vtime from runs where id = ?").param(id).query(Double.class).single();
        assertThat(vtime).isPositive();
        assertThat(mvc.get().uri("/api/v1/runs/" + id).header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()))
                .hasStatusOk().bodyJson().extractingPath("$.name").isEqualTo("sinkgd nano");
    }

    @Test
    void anInvalidSpecNamesEveryBadFieldAndStoresNothing() {
        long before = jdbc.sql("select count(*) from runs").query(Long.class).single();

        MvcTestResult result = submit(fixtures.adminBearer(), """
                {"optimizer": {"name": "adam9000", "lr": -0.1}, "seqLen": 0, "model": {"preset": "llama-3t"}}""");

        assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
        assertThat(result).headers().hasValue(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        assertThat(result).bodyJson().extractingPath("$.errors[*].field").asArray()
                .containsExactlyInAnyOrder("model.preset", "optimizer.lr", "optimizer.name", "project", "seqLen");
        assertThat(jdbc.sql("select count(*) from runs").query(Long.class).single()).isEqualTo(before);
    }

    @Test
    void eachInvalidFieldClassAloneYieldsA400NamingIt() {
        String[][] cases = {
                {"{\"project\": \"default\", \"optimizer\": {\"name\": \"sinkgd\", \"lr\": -1}}", "optimizer.lr"},
                {"{\"project\": \"default\", \"optimizer\": {\"name\": \"lion\"}}", "optimizer.name"},
                {"{\"project\": \"default\", \"optimizer\": {\"name\": \"swan\"}, \"seqLen\": 0}", "seqLen"},
                {"{\"project\": \"default\", \"optimizer\": {\"name\": \"swan\"}, \"model\": {\"preset\": \"gpt-5\"}}", "model.preset"},
                {"{\"optimizer\": {\"name\": \"swan\"}}", "project"},
                {"{\"project\": \"nope\", \"optimizer\": {\"name\": \"swan\"}}", "project"},
                {"{\"project\": \"default\", \"optimizer\": {\"name\": \"swan\"}, \"sequenceLength\": 5}", "sequenceLength"},
                {"{\"project\": \"default\", \"optimizer\": {\"name\": \"swan\", \"momentun\": 0.9}}", "optimizer.momentun"},
                {"{\"project\": \"default\", \"optimizer\": {\"name\": \"swan\"}, \"steps\": \"many\"}", "steps"},
                // bf16 is mixed precision on a GPU: refused for a CPU run and for "any" (it could land on a CPU worker)
                {"{\"project\": \"default\", \"optimizer\": {\"name\": \"swan\"}, \"device\": \"cpu\", \"precision\": \"bf16\"}", "precision"},
                {"{\"project\": \"default\", \"optimizer\": {\"name\": \"swan\"}, \"precision\": \"bf16\"}", "precision"},
        };
        for (String[] c : cases) {
            assertThat(submit(fixtures.adminBearer(), c[0])).as(c[0]).hasStatus(HttpStatus.BAD_REQUEST)
                    .bodyJson().extractingPath("$.errors[*].field").asArray().containsExactly(c[1]);
        }
    }

    @Test
    void unknownJsonFieldsAreRejectedWithAMessageNamingTheField() {
        assertThat(submit(fixtures.adminBearer(), "{\"project\": \"default\", \"optimizer\": {\"name\": \"swan\"}, \"lr\": 1}"))
                .hasStatus(HttpStatus.BAD_REQUEST).bodyJson().extractingPath("$.errors[0].message").asString().contains("'lr'");
    }

    @Test
    void malformedJsonIsA400AndAWrongContentTypeA415() {
        assertThat(submit(fixtures.adminBearer(), "{\"project\": ")).hasStatus(HttpStatus.BAD_REQUEST)
                .bodyJson().extractingPath("$.errors[0].field").isEqualTo("body");
        assertThat(mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.TEXT_PLAIN).content("hello"))
                .hasStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .headers().hasValue(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    }

    @Test
    void aBodyOverTheSizeLimitIsA413() {
        String huge = "{\"project\": \"default\", \"notes\": \"" + "x".repeat(9 * 1024 * 1024) + "\"}";
        assertThat(submit(fixtures.adminBearer(), huge)).hasStatus(HttpStatus.CONTENT_TOO_LARGE);
    }
}
