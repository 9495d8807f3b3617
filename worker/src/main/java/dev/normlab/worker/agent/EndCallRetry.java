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

    private final int attempts;
    private final Duration firstPause;

    EndCallRetry(int attempts, Duration firstPause) {
        this.attempts = attempts;
        this.firstPause = firstPause;
    }

    static EndCallRetry standard() {
        return new EndCallRetry(6, Duration.ofSeconds(1));
    }

    <T> T call(Supplier<T> call) {
        Duration pause = firstPause;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (BackendException e) {
                if (!e.retryable() || e instanceof LeaseLostException || attempt == attempts) {
                    throw e;
                }
                log.warn("backend call failed (try {} of {}), retrying in {} ms: {}", attempt, attempts,
                        pause.toMillis(), e.getMessage());
                sleep(pause);
                pause = pause.multipliedBy(2);
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
