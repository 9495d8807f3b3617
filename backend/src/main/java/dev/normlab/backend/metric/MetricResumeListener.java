package dev.normlab.backend.metric;

import dev.normlab.backend.queue.RunClaimed;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When attempt N (> 1) claims a run, the points earlier attempts wrote after the checkpoint it resumes from
 * are dropped inside the claim transaction, before the new attempt can post: its own points then give the
 * curve exactly one point per step. Resuming from scratch drops them all.
 */
@Component
class MetricResumeListener {

    private final MetricRepository repository;
    private final MetricBlocks blocks;

    MetricResumeListener(MetricRepository repository, MetricBlocks blocks) {
        this.repository = repository;
        this.blocks = blocks;
    }

    @EventListener
    void onClaim(RunClaimed claimed) {
        if (claimed.attempt() <= 1) {
            return;
        }
        repository.lockRun(claimed.runId());
        if (claimed.resumeStep() == null) {
            repository.deleteRunSeries(claimed.runId());
        } else {
            blocks.truncateAfter(claimed.runId(), claimed.resumeStep());
        }
    }
}
