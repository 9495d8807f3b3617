package dev.normlab.backend.queue;

import dev.normlab.api.spec.RunSpec;
import dev.normlab.api.worker.Assignment;
import dev.normlab.api.worker.Checkpoint;
import dev.normlab.api.worker.FailureKind;
import dev.normlab.api.worker.FinishRequest;
import dev.normlab.api.worker.HeartbeatResponse;
import dev.normlab.api.worker.RunOutcome;
import dev.normlab.backend.run.RunHistory;
import dev.normlab.backend.run.RunNotFoundException;
import dev.normlab.backend.run.RunStateChanged;
import dev.normlab.backend.run.RunStatus;
import dev.normlab.backend.system.ApiException;
import dev.normlab.backend.team.Caller;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * One transaction per worker call; every state transition publishes {@link RunStateChanged} and writes the run's
 * history inside it. Every call after the claim must come from the worker token that claimed the run.
 */
@Service
public class QueueService implements LeaseFence {

    private static final Logger log = LoggerFactory.getLogger(QueueService.class);

    private final QueueRepository queue;
    private final QueueProperties properties;
    private final ApplicationEventPublisher events;
    private final RunHistory history;
    private final WorkerRegistry workers;
    private final JsonMapper json;
    private final JsonMapper storedJson;

    QueueService(QueueRepository queue, QueueProperties properties, ApplicationEventPublisher events,
            RunHistory history, WorkerRegistry workers, JsonMapper json) {
        this.queue = queue;
        this.properties = properties;
        this.events = events;
        this.history = history;
        this.workers = workers;
        this.json = json;
        this.storedJson = json.rebuild().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }

    /** One claim attempt, no waiting. A team's worker token claims only that team's runs. */
    @Transactional
    public Optional<Assignment> claimOnce(Worker worker, String deviceKind, long deviceMemoryBytes) {
        return queue.claim(worker, deviceKind, deviceMemoryBytes).map(c -> {
            events.publishEvent(new RunStateChanged(c.id(), RunStatus.RUNNING, c.attempt()));
            events.publishEvent(new RunClaimed(c.id(), c.attempt(), c.checkpointStep()));
            Checkpoint resume = c.checkpointStep() == null ? null : new Checkpoint(c.checkpointStep(), c.checkpointLocation());
            history.recordWorker(c.id(), "claimed", "attempt " + c.attempt()
                    + (resume == null ? "" : ", resuming from step " + resume.step()));
            log.debug("run {} attempt {} claimed by {}{}", c.id(), c.attempt(), worker.name(),
                    resume == null ? "" : ", resuming from step " + resume.step());
            return new Assignment(c.id(), c.attempt(), storedJson.readValue(c.spec(), RunSpec.class), resume,
                    properties.leaseSeconds());
        });
    }

    @Transactional
    public HeartbeatResponse heartbeat(Caller worker, long runId, int attempt) {
        boolean cancel = queue.heartbeat(runId, attempt, worker.tokenId()).orElseThrow(() -> lost(worker, runId, attempt));
        queue.workerName(runId).ifPresent(name -> workers.working(worker.tokenId(), name, runId));
        return new HeartbeatResponse(cancel, properties.leaseSeconds());
    }

    @Override
    @Transactional
    public void requireLease(Caller worker, long runId, int attempt) {
        if (!queue.holdsLease(runId, attempt, worker.tokenId())) {
            throw lost(worker, runId, attempt);
        }
    }

    /** @return the run's status afterwards (QUEUED when a CODE failure is retried) */
    @Transactional
    public RunStatus finish(Caller worker, long runId, FinishRequest request) {
        int attempt = request.attempt();
        String summary = request.summary() == null ? null : json.writeValueAsString(request.summary());
        Double finalLoss = request.summary() == null ? null : request.summary().finalLoss();
        RunStatus status;
        String detail;
        if (request.status() == RunOutcome.FAILED) {
            FailureKind kind = request.failure() == null ? FailureKind.CODE : request.failure();
            String error = kind + ": " + (request.error() == null ? "no message" : request.error());
            status = (kind == FailureKind.WORKER
                    ? queue.failOnWorker(runId, attempt, worker.tokenId(), error)
                    : queue.fail(runId, attempt, worker.tokenId(), kind == FailureKind.CODE, error, summary, finalLoss))
                    .orElseThrow(() -> lost(worker, runId, attempt));
            detail = "attempt " + attempt + " FAILED (" + kind + ")" + (status == RunStatus.QUEUED ? ", retried" : "");
        } else {
            status = RunStatus.valueOf(request.status().name());
            if (!queue.finish(runId, attempt, worker.tokenId(), status, request.error(), summary, finalLoss)) {
                throw lost(worker, runId, attempt);
            }
            detail = "attempt " + attempt + " " + status;
        }
        history.recordWorker(runId, "finished", detail);
        workers.done(worker.tokenId(), runId);
        events.publishEvent(new RunStateChanged(runId, status, attempt));
        log.info("run {} attempt {} finished: {}", runId, attempt, status);
        return status;
    }

    @Transactional
    public RunStatus release(Caller worker, long runId, int attempt, String reason) {
        RunStatus status = queue.release(runId, attempt, worker.tokenId(), "released by worker" + (reason == null ? "" : ": " + reason))
                .orElseThrow(() -> lost(worker, runId, attempt));
        workers.done(worker.tokenId(), runId);
        history.recordWorker(runId, "released", "attempt " + attempt + (reason == null ? "" : ": " + reason) + " → " + status);
        events.publishEvent(new RunStateChanged(runId, status, attempt));
        return status;
    }

    @Transactional
    public void checkpoint(Caller worker, long runId, int attempt, long step, String location) {
        if (!queue.checkpoint(runId, attempt, worker.tokenId(), step, location)) {
            throw lost(worker, runId, attempt);
        }
        history.recordWorker(runId, "checkpointed", "step " + step);
    }

    /** A claim whose request was gone before it could be answered: the run goes back, no retry spent. */
    @Transactional
    public void unclaim(Assignment assignment) {
        if (queue.unclaim(assignment.runId(), assignment.attempt())) {
            history.record(assignment.runId(), "unclaimed", RunHistory.Actor.SYSTEM,
                    "attempt " + assignment.attempt() + ": the worker's request was gone before the answer");
            events.publishEvent(new RunStateChanged(assignment.runId(), RunStatus.QUEUED, assignment.attempt()));
        }
    }

    /**
     * Once per backend start, before the first reaping: a fresh lease for every confirmed RUNNING run. While no
     * backend answered (a crash, a restart, a deploy) no worker could heartbeat; without this the first pass would
     * requeue every run that was training through the outage and spend an infrastructure retry of each. The cost:
     * a worker that really died during the outage is noticed one lease later.
     */
    @Transactional
    public int renewLeasesAfterStart() {
        int renewed = queue.renewLeases();
        if (renewed > 0) {
            log.info("{} running run(s) get a fresh lease of {}: their workers could not heartbeat while no backend answered",
                    renewed, properties.lease());
        }
        return renewed;
    }

    /** Collects expired leases and unconfirmed claims; returns how many runs it moved. */
    @Transactional
    public int reapExpiredLeases() {
        List<QueueRepository.Reaped> unconfirmed = queue.reapUnconfirmed();
        for (QueueRepository.Reaped run : unconfirmed) {
            events.publishEvent(new RunStateChanged(run.id(), run.status(), run.attempt()));
            history.record(run.id(), "claim-unconfirmed", RunHistory.Actor.SYSTEM,
                    "attempt " + run.attempt() + ": no heartbeat confirmed the claim → QUEUED, no retry spent");
            log.warn("run {} attempt {}: the claim was never confirmed (worker gone); back in the queue", run.id(), run.attempt());
        }
        List<QueueRepository.Reaped> reaped = queue.reapExpired();
        for (QueueRepository.Reaped run : reaped) {
            events.publishEvent(new RunStateChanged(run.id(), run.status(), run.attempt()));
            history.record(run.id(), "lease-lost", RunHistory.Actor.SYSTEM,
                    "attempt " + run.attempt() + ": no heartbeat within the lease → " + run.status());
            log.warn("run {} attempt {} lost its lease: now {}", run.id(), run.attempt(), run.status());
        }
        return unconfirmed.size() + reaped.size();
    }

    /** 404 when the token may not touch the run's team at all (ids do not leak), else 409: the lease is gone. */
    private ApiException lost(Caller worker, long runId, int attempt) {
        boolean mayTouch = queue.teamOf(runId).map(worker::mayWorkFor).orElse(false);
        return mayTouch ? new LeaseLostException(runId, attempt) : new RunNotFoundException(runId);
    }
}
