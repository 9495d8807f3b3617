package dev.normlab.backend.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.support.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

@SpringBootTest
@AutoConfigureMockMvc
class OperationsTest {

    @Autowired
    MockMvcTester mvc;
    @Autowired
    Fixtures fixtures;

    @Test
    void theOpenApiDocumentDescribesTheRunAndWorkerEndpointsWithBearerAuth() {
        assertThat(mvc.get().uri("/v3/api-docs")).hasStatusOk().bodyJson()
                .extractingPath("$.paths").asMap().containsKeys("/api/v1/runs", "/api/v1/runs/{id}/clone",
                        "/api/v1/worker/claim", "/api/v1/memory/estimate");
        assertThat(mvc.get().uri("/v3/api-docs")).bodyJson().extractingPath("$.components.securitySchemes.bearer.scheme")
                .isEqualTo("bearer");
        assertThat(mvc.get().uri("/swagger-ui/index.html")).hasStatusOk();
        assertThat(mvc.get().uri("/swagger-ui")).hasStatus3xxRedirection();
    }

    @Test
    void healthAndPrometheusShowQueueDepthAndRunsByState() {
        mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content(Fixtures.SPEC).exchange();
        assertThat(mvc.get().uri("/actuator/health")).hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("UP");
        // metrics need credentials: an admin's token or a worker token (a Prometheus scraper holds one)
        assertThat(mvc.get().uri("/actuator/prometheus")).hasStatus(HttpStatus.UNAUTHORIZED);
        assertThat(mvc.get().uri("/actuator/metrics")).hasStatus(HttpStatus.UNAUTHORIZED);
        assertThat(mvc.get().uri("/actuator/prometheus").header(HttpHeaders.AUTHORIZATION, fixtures.newTeam("ops").bearer()))
                .hasStatus(HttpStatus.FORBIDDEN);
        assertThat(mvc.get().uri("/actuator/prometheus").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())).hasStatusOk().bodyText()
                .contains("normlab_queue_depth").containsPattern("normlab_runs\\{[^}]*status=\"QUEUED\"[^}]*\\} [1-9]");
    }
}
