package dev.normlab.backend.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Sign-in throttling: after {@link #MAX_FAILURES} failed attempts for one username or from one address within
 * {@link #WINDOW}, further attempts are refused (429) until the oldest of those failures leaves the window.
 * Kept in memory per replica (a restart forgets it; several replicas each count their own share).
 */
@Component
class LoginThrottle {

    static final int MAX_FAILURES = 10;
    static final Duration WINDOW = Duration.ofMinutes(15);

    private final Clock clock;
    private final Cache<String, Deque<Instant>> failures =
            Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(WINDOW).build();

    LoginThrottle() {
        this(Clock.systemUTC());
    }

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long the caller must wait before trying again; empty when an attempt is allowed now. */
    Optional<Duration> retryAfter(String username, String address) {
        Instant now = clock.instant();
        Duration wait = max(blockedFor("user:" + username, now), blockedFor("address:" + address, now));
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    void failed(String username, String address) {
        Instant now = clock.instant();
        for (String key : new String[] {"user:" + username, "address:" + address}) {
            Deque<Instant> times = failures.get(key, k -> new ArrayDeque<>());
            synchronized (times) {
                prune(times, now);
                times.addLast(now);
            }
        }
    }

    /** A successful sign-in clears the username's count (not the address's: one address may try many names). */
    void succeeded(String username) {
        failures.invalidate("user:" + username);
    }

    /** Forgets every failure (tests that share one address). */
    void reset() {
        failures.invalidateAll();
    }

    private Duration blockedFor(String key, Instant now) {
        Deque<Instant> times = failures.getIfPresent(key);
        if (times == null) {
            return Duration.ZERO;
        }
        synchronized (times) {
            prune(times, now);
            if (times.size() < MAX_FAILURES) {
                return Duration.ZERO;
            }
            // the window frees up when the failure that made the count reach the limit expires
            Instant oldestCounted = times.stream().skip(times.size() - MAX_FAILURES).findFirst().orElseThrow();
            return Duration.between(now, oldestCounted.plus(WINDOW));
        }
    }

    private static void prune(Deque<Instant> times, Instant now) {
        while (!times.isEmpty() && !times.peekFirst().isAfter(now.minus(WINDOW))) {
            times.removeFirst();
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
