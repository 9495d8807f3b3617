package dev.normlab.backend.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-12-02T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void tenFailuresFromOneAddressBlockEveryUsernameFromItUntilTheWindowPasses() {
        ManualClock clock = new ManualClock();
        LoginThrottle throttle = new LoginThrottle(clock);
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            assertThat(throttle.retryAfter("user" + i, "10.0.0.1")).isEmpty();
            throttle.failed("user" + i, "10.0.0.1");
            clock.now = clock.now.plusSeconds(60);
        }
        // the first failure was 10 minutes ago: blocked for the 5 minutes left of its window
        assertThat(throttle.retryAfter("someone-else", "10.0.0.1")).hasValue(Duration.ofMinutes(5));
        assertThat(throttle.retryAfter("someone-else", "10.0.0.2")).isEmpty();

        clock.now = clock.now.plus(Duration.ofMinutes(5));
        assertThat(throttle.retryAfter("someone-else", "10.0.0.1")).isEmpty();
    }

    @Test
    void aSuccessfulSignInClearsTheUsernameButNotTheAddress() {
        ManualClock clock = new ManualClock();
        LoginThrottle throttle = new LoginThrottle(clock);
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            throttle.failed("alice", "10.0.0." + i);
        }
        assertThat(throttle.retryAfter("alice", "10.0.0.99")).hasValue(LoginThrottle.WINDOW);
        throttle.succeeded("alice");
        assertThat(throttle.retryAfter("alice", "10.0.0.99")).isEmpty();
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).isEmpty();
    }
}
