package dev.normlab.worker.agent;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries the call that ends an attempt (finish, release) on transient failures: losing it would leave the run
 * RUNNING until its lease expires and cost it a retry. Other errors and 409 (lease lost) are not retried.
 */
final class EndCallRetry {

    private static final Logger log = LoggerFactory.getLogger(EndCallRetry.class);

    /** Six tries over about half a minute (1 + 2 + 4 + 8 + 16 s): a backend restart, not an outage. */
    static final RetryPolicy END_CALL_RETRY =
            RetryPolicy.doubling(Duration.ofSeconds(1), Duration.ofSeconds(16)).giveUpAfter(6);

    private final RetryPolicy policy;

    EndCallRetry(RetryPolicy policy) {
        this.policy = policy;
    }

    <T> T call(Supplier<T> call) {
        for (int tries = 1; ; tries++) {
            try {
                return call.get();
            } catch (BackendException e) {
                if (!e.retryable() || e instanceof LeaseLostException || !policy.retriesAfter(tries)) {
                    throw e;
                }
                Duration pause = policy.pauseAfter(tries);
                log.warn("backend call failed (try {} of {}), retrying in {} ms: {}", tries, policy.tries(),
                        pause.toMillis(), e.getMessage());
                sleep(pause);
            }
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(0, "interrupted while waiting to retry", e);
        }
    }
}
