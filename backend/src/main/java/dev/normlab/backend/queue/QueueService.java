package dev.normlab.backend.queue;

import dev.normlab.api.spec.RunSpec;
import dev.normlab.api.worker.Assignment;
import dev.normlab.api.worker.Checkpoint;
import dev.normlab.api.worker.FailureKind;
import dev.normlab.api.worker.FinishRequest;
import dev.normlab.api.worker.HeartbeatResponse;
import dev.normlab.api.worker.RunOutcome;
import dev.normlab.backend.run.RunStateChanged;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** One transaction per worker call; every state transition publishes {@link RunStateChanged} inside it. */
@Service
public class QueueService implements LeaseFence {

    private static final Logger log = LoggerFactory.getLogger(QueueService.class);

    private final QueueRepository queue;
    private final QueueSignal signal;
    private final QueueProperties properties;
    private final ApplicationEventPublisher events;
    private final JsonMapper json;
    private final JsonMapper storedJson;

    QueueService(QueueRepository queue, QueueSignal signal, QueueProperties properties, ApplicationEventPublisher events,
            JsonMapper json) {
        this.queue = queue;
        this.signal = signal;
        this.properties = properties;
        this.events = events;
        this.json = json;
        this.storedJson = json.rebuild().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }

    /** One claim attempt, no waiting. */
    @Transactional
    public Optional<Assignment> claimOnce(String workerName, String deviceKind, long deviceMemoryBytes) {
        return queue.claim(workerName, deviceKind, deviceMemoryBytes).map(c -> {
            events.publishEvent(new RunStateChanged(c.id(), "RUNNING", c.attempt()));
            events.publishEvent(new RunClaimed(c.id(), c.attempt(), c.checkpointStep()));
            Checkpoint resume = c.checkpointStep() == null ? null : new Checkpoint(c.checkpointStep(), c.checkpointLocation());
            log.debug("run {} attempt {} claimed by {}{}", c.id(), c.attempt(), workerName,
                    resume == null ? "" : ", resuming from step " + resume.step());
            return new Assignment(c.id(), c.attempt(), storedJson.readValue(c.spec(), RunSpec.class), resume,
                    properties.leaseSeconds());
        });
    }

    @Transactional
    public HeartbeatResponse heartbeat(long runId, int attempt) {
        boolean cancel = queue.heartbeat(runId, attempt).orElseThrow(() -> new LeaseLostException(runId, attempt));
        return new HeartbeatResponse(cancel, properties.leaseSeconds());
    }

    @Override
    @Transactional
    public void requireLease(long runId, int attempt) {
        if (!queue.holdsLease(runId, attempt)) {
            throw new LeaseLostException(runId, attempt);
        }
    }

    /** @return the run's status afterwards (QUEUED when a CODE failure is retried) */
    @Transactional
    public String finish(long runId, FinishRequest request) {
        int attempt = request.attempt();
        String summary = request.summary() == null ? null : json.writeValueAsString(request.summary());
        Double finalLoss = request.summary() == null ? null : request.summary().finalLoss();
        String status;
        if (request.status() == RunOutcome.FAILED) {
            FailureKind kind = request.failure() == null ? FailureKind.CODE : request.failure();
            String error = kind + ": " + (request.error() == null ? "no message" : request.error());
            status = queue.fail(runId, attempt, kind == FailureKind.CODE, error, summary, finalLoss)
                    .orElseThrow(() -> new LeaseLostException(runId, attempt));
            if (status.equals("QUEUED")) {
                signal.notifyQueued();
            }
        } else {
            status = request.status().name();
            if (!queue.finish(runId, attempt, status, request.error(), summary, finalLoss)) {
                throw new LeaseLostException(runId, attempt);
            }
        }
        events.publishEvent(new RunStateChanged(runId, status, attempt));
        log.info("run {} attempt {} finished: {}", runId, attempt, status);
        return status;
    }

    @Transactional
    public String release(long runId, int attempt, String reason) {
        String status = queue.release(runId, attempt, "released by worker" + (reason == null ? "" : ": " + reason))
                .orElseThrow(() -> new LeaseLostException(runId, attempt));
        if (status.equals("QUEUED")) {
            signal.notifyQueued();
        }
        events.publishEvent(new RunStateChanged(runId, status, attempt));
        return status;
    }

    @Transactional
    public void checkpoint(long runId, int attempt, long step, String location) {
        if (!queue.checkpoint(runId, attempt, step, location)) {
            throw new LeaseLostException(runId, attempt);
        }
    }

    /** Collects expired leases; returns how many runs it moved. */
    @Transactional
    public int reapExpiredLeases() {
        List<QueueRepository.Reaped> reaped = queue.reapExpired();
        for (QueueRepository.Reaped run : reaped) {
            events.publishEvent(new RunStateChanged(run.id(), run.status(), run.attempt()));
            log.warn("run {} attempt {} lost its lease: now {}", run.id(), run.attempt(), run.status());
        }
        if (reaped.stream().anyMatch(r -> r.status().equals("QUEUED"))) {
            signal.notifyQueued();
        }
        return reaped.size();
    }
}
