package dev.normlab.backend.queue;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The run queue's knobs.
 *
 * @param lease how long a claim or heartbeat keeps a run; a worker silent for longer loses it
 * @param reaperInterval how often expired leases are collected
 * @param infraRetries requeues after lost leases before the run FAILS (the 4th loss fails with the default 3)
 * @param codeRetries requeues after failures the worker reports as CODE (OOM and INVALID_SPEC never retry)
 * @param backoffBase first retry waits this long, doubling per failure of the same budget
 * @param backoffMax cap of the retry wait
 * @param longPoll the longest a claim waits for work before answering 204
 * @param claimConfirm a claimed run is held this long for the worker's first heartbeat; a worker that never
 *     confirms (it was gone when the claim was answered) gives the run back without spending a retry
 */
@ConfigurationProperties("normlab.queue")
public record QueueProperties(
        @DefaultValue("60s") Duration lease,
        @DefaultValue("5s") Duration reaperInterval,
        @DefaultValue("3") int infraRetries,
        @DefaultValue("1") int codeRetries,
        @DefaultValue("10s") Duration backoffBase,
        @DefaultValue("5m") Duration backoffMax,
        @DefaultValue("25s") Duration longPoll,
        @DefaultValue("15s") Duration claimConfirm) {

    public int leaseSeconds() {
        return (int) Math.max(1, lease.toSeconds());
    }
}
