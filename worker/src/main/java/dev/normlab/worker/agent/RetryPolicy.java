package dev.normlab.worker.agent;

import java.time.Duration;

/**
 * How the agent retries a backend call that failed for a transient reason (IO, 5xx): exponential backoff, the
 * pause after the n-th failure in a row being {@code min(max, initial · multiplier^(n-1))}, and giving up after
 * {@code tries} calls. One line configures a use:
 *
 * <pre>{@code
 * RetryPolicy.doubling(Duration.ofSeconds(1), Duration.ofSeconds(30))               // claims: forever
 * RetryPolicy.doubling(Duration.ofSeconds(1), Duration.ofSeconds(16)).giveUpAfter(6) // finish/release
 * }</pre>
 *
 * The caller counts failures in a row (and resets the count after a success) and waits the pause its own way
 * (interruptible by shutdown, by close): the policy only says how long and whether to try again.
 *
 * @param initial pause after the first failure
 * @param multiplier growth of the pause per further failure, {@code >= 1}
 * @param max cap on one pause
 * @param tries calls in all before giving up, {@link #UNLIMITED} to retry until the caller stops
 */
public record RetryPolicy(Duration initial, double multiplier, Duration max, int tries) {

    public static final int UNLIMITED = Integer.MAX_VALUE;

    public RetryPolicy {
        if (initial == null || initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial must be positive, got " + initial);
        }
        if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be >= 1, got " + multiplier);
        }
        if (max == null || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max must be >= initial " + initial + ", got " + max);
        }
        if (tries < 1) {
            throw new IllegalArgumentException("tries must be >= 1, got " + tries);
        }
    }

    /** Pauses of {@code initial}, twice that, ... up to {@code max}; never gives up. */
    public static RetryPolicy doubling(Duration initial, Duration max) {
        return new RetryPolicy(initial, 2, max, UNLIMITED);
    }

    /** The same pauses, giving up after {@code tries} calls in all. */
    public RetryPolicy giveUpAfter(int tries) {
        return new RetryPolicy(initial, multiplier, max, tries);
    }

    /** Whether to call again after {@code failures} failed calls in a row. */
    public boolean retriesAfter(int failures) {
        return failures < tries;
    }

    /** The pause after {@code failures >= 1} failed calls in a row. */
    public Duration pauseAfter(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be >= 1, got " + failures);
        }
        double nanos = initial.toNanos() * Math.pow(multiplier, failures - 1);
        return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
    }
}
