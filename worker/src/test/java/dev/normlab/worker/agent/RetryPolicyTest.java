package dev.normlab.worker.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static List<Long> pausesInMillis(RetryPolicy policy, int failures) {
        return IntStream.rangeClosed(1, failures).mapToObj(n -> policy.pauseAfter(n).toMillis()).toList();
    }

    @Test
    void pausesGrowByTheMultiplierUpToTheCap() {
        RetryPolicy doubling = RetryPolicy.doubling(Duration.ofMillis(250), Duration.ofSeconds(3));
        assertThat(pausesInMillis(doubling, 7)).containsExactly(250L, 500L, 1_000L, 2_000L, 3_000L, 3_000L, 3_000L);
        RetryPolicy tripling = new RetryPolicy(Duration.ofSeconds(1), 3, Duration.ofSeconds(20), RetryPolicy.UNLIMITED);
        assertThat(pausesInMillis(tripling, 4)).containsExactly(1_000L, 3_000L, 9_000L, 20_000L);
        RetryPolicy constant = new RetryPolicy(Duration.ofSeconds(2), 1, Duration.ofSeconds(2), 3);
        assertThat(pausesInMillis(constant, 3)).containsExactly(2_000L, 2_000L, 2_000L);
        // no overflow however long the failures go on
        assertThat(doubling.pauseAfter(10_000)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void givesUpAfterItsTriesOrNever() {
        RetryPolicy six = RetryPolicy.doubling(Duration.ofSeconds(1), Duration.ofSeconds(16)).giveUpAfter(6);
        assertThat(IntStream.rangeClosed(1, 7).mapToObj(six::retriesAfter))
                .containsExactly(true, true, true, true, true, false, false);
        assertThat(pausesInMillis(six, 5)).containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L);
        RetryPolicy forever = RetryPolicy.doubling(Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertThat(forever.retriesAfter(1_000_000)).isTrue();
        assertThat(new RetryPolicy(Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 1).retriesAfter(1)).isFalse();
    }

    @Test
    void theAgentsPoliciesAreTheDocumentedOnes() {
        assertThat(pausesInMillis(NodeAgent.CLAIM_RETRY, 7)).containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L,
                30_000L, 30_000L);
        assertThat(NodeAgent.CLAIM_RETRY.tries()).isEqualTo(RetryPolicy.UNLIMITED);
        assertThat(pausesInMillis(BackendMetricSink.METRICS_RETRY, 8)).containsExactly(250L, 500L, 1_000L, 2_000L,
                4_000L, 8_000L, 10_000L, 10_000L);
        assertThat(BackendMetricSink.METRICS_RETRY.tries()).isEqualTo(RetryPolicy.UNLIMITED);
        assertThat(EndCallRetry.END_CALL_RETRY.tries()).isEqualTo(6);
    }

    @Test
    void endCallsAreRetriedOnTransientFailuresOnlyAndGiveUpAfterTheLastTry() {
        RetryPolicy fast = RetryPolicy.doubling(Duration.ofMillis(1), Duration.ofMillis(4)).giveUpAfter(3);
        AtomicInteger calls = new AtomicInteger();
        assertThat(new EndCallRetry(fast).call(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new BackendException(503, "restarting");
            }
            return "SUCCEEDED";
        })).isEqualTo("SUCCEEDED");
        assertThat(calls).hasValue(3);

        List<Integer> statuses = new ArrayList<>();
        assertThatThrownBy(() -> new EndCallRetry(fast).call(() -> {
            statuses.add(503);
            throw new BackendException(503, "down");
        })).isInstanceOf(BackendException.class).hasMessageContaining("down");
        assertThat(statuses).hasSize(3);

        calls.set(0);
        assertThatThrownBy(() -> new EndCallRetry(fast).call(() -> {
            calls.incrementAndGet();
            throw new BackendException(400, "bad request");
        })).hasMessageContaining("bad request");
        assertThat(calls).hasValue(1);
    }

    @Test
    void anUnusablePolicyIsRefusedNamingTheField() {
        assertThatThrownBy(() -> RetryPolicy.doubling(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageStartingWith("initial must be positive");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1), 3))
                .hasMessageStartingWith("multiplier must be >= 1");
        assertThatThrownBy(() -> RetryPolicy.doubling(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageStartingWith("max must be >= initial");
        assertThatThrownBy(() -> RetryPolicy.doubling(Duration.ofSeconds(1), Duration.ofSeconds(1)).giveUpAfter(0))
                .hasMessageStartingWith("tries must be >= 1");
    }
}
