package dev.normlab.backend.queue;

import dev.normlab.backend.run.RunStateChanged;
import dev.normlab.backend.run.RunStatus;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Every transition to QUEUED (submit, clone, lease lost, release, retried failure) wakes the waiting claims of
 * every replica: the NOTIFY is sent inside the transition's transaction, so it arrives only once it committed.
 */
@Component
class QueuedRunSignaller {

    private final QueueSignal signal;

    QueuedRunSignaller(QueueSignal signal) {
        this.signal = signal;
    }

    @EventListener
    void onStateChanged(RunStateChanged changed) {
        if (changed.status() == RunStatus.QUEUED) {
            signal.notifyQueued();
        }
    }
}
