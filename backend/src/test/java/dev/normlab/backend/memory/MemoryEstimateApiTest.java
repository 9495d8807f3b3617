package dev.normlab.backend.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.support.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

@SpringBootTest
@AutoConfigureMockMvc
class MemoryEstimateApiTest {

    @Autowired
    MockMvcTester mvc;
    @Autowired
    Fixtures fixtures;

    private MvcTestResult estimate(String query) {
        return mvc.get().uri("/api/v1/memory/estimate?" + query).header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer()).exchange();
    }

    /**
     * Independent arithmetic for llama-1b (hidden 2048, intermediate 5461, 24 layers, vocab 32000) in bf16:
     * hidden matrices 24·(4·2048² + 3·2048·5461), embedding = head = 32000·2048, gains (2·24+1)·2048.
     */
    @Test
    void llama1bInBf16MatchesHandArithmeticForAdamWAndTheStatelessOptimizers() {
        long hidden = 24L * (4L * 2048 * 2048 + 3L * 2048 * 5461);
        long other = 2L * 32000 * 2048 + 49L * 2048;
        long total = hidden + other;

        MvcTestResult result = estimate("model=llama-1b&optimizers=adamw,sinkgd,swan&dtype=bf16");

        assertThat(result).hasStatusOk().bodyJson().extractingPath("$.parameters").asNumber()
                .satisfies(n -> assertThat(n.longValue()).isEqualTo(total));
        assertThat(result).bodyJson().extractingPath("$.estimates[*].optimizer").asArray().containsExactly("adamw", "sinkgd", "swan");
        assertThat(result).bodyJson().extractingPath("$.estimates[0].stateBytes").asNumber()
                .satisfies(n -> assertThat(n.longValue()).isEqualTo(2 * 2 * total));
        assertThat(result).bodyJson().extractingPath("$.estimates[1].stateBytes").asNumber()
                .satisfies(n -> assertThat(n.longValue()).isEqualTo(2 * 2 * other));
        assertThat(result).bodyJson().extractingPath("$.estimates[2].savingVsAdamWBytes").asNumber()
                .satisfies(n -> assertThat(n.longValue()).isEqualTo(2 * 2 * hidden));
        assertThat(result).bodyJson().extractingPath("$.estimates[1].weightBytes").asNumber()
                .satisfies(n -> assertThat(n.longValue()).isEqualTo(2 * total));
    }

    @Test
    void unknownModelOptimizerAndDtypeAreEachNamedInA400() {
        assertThat(estimate("model=llama-3t&optimizers=adamw,lion&dtype=fp8")).hasStatus(HttpStatus.BAD_REQUEST)
                .bodyJson().extractingPath("$.errors[*].field").asArray().containsExactly("model", "optimizers", "dtype");
        assertThat(estimate("optimizers=adamw")).hasStatus(HttpStatus.BAD_REQUEST)
                .bodyJson().extractingPath("$.errors[0].field").isEqualTo("model");
    }
}
