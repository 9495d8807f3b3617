package dev.normlab.backend.queue;

import dev.normlab.api.worker.Assignment;
import dev.normlab.api.worker.CheckpointRequest;
import dev.normlab.api.worker.ClaimRequest;
import dev.normlab.api.worker.FinishRequest;
import dev.normlab.api.worker.HeartbeatRequest;
import dev.normlab.api.worker.HeartbeatResponse;
import dev.normlab.api.worker.ReleaseRequest;
import dev.normlab.api.worker.WithdrawRequest;
import dev.normlab.backend.run.RunStatus;
import dev.normlab.backend.team.Caller;
import jakarta.validation.Valid;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/** The worker protocol (worker tokens only): claim, heartbeat, checkpoint, finish, release. */
@RestController
@RequestMapping("/api/v1/worker")
class WorkerController {

    private final ClaimService claims;
    private final QueueService queue;

    WorkerController(ClaimService claims, QueueService queue) {
        this.claims = claims;
        this.queue = queue;
    }

    /** The run's status after the call (a retried failure is QUEUED again). */
    record StatusResponse(RunStatus status) {
    }

    /**
     * Long-polls for the next eligible run: 200 with the assignment, 204 when nothing came in time. Asynchronous:
     * a waiting worker holds no request thread.
     */
    @PostMapping("/claim")
    DeferredResult<ResponseEntity<Assignment>> claim(@Valid @RequestBody ClaimRequest request, Caller caller) {
        CompletableFuture<Optional<Assignment>> claimed = claims.claim(caller, request);
        DeferredResult<ResponseEntity<Assignment>> answer = new DeferredResult<>();
        // a worker that disconnects while waiting must not be handed a run: stop waiting for it
        answer.onError(error -> claimed.cancel(false));
        answer.onTimeout(() -> claimed.cancel(false));
        claimed.whenComplete((run, error) -> {
            if (error != null) {
                answer.setErrorResult(error);
            } else if (!answer.setResult(run.map(ResponseEntity::ok).orElseGet(() -> ResponseEntity.noContent().build()))) {
                run.ifPresent(claims::handBack);
            }
        });
        return answer;
    }

    /** A worker shutting down withdraws its waiting claim (answered 204 at once): 204. */
    @PostMapping("/claim/withdraw")
    ResponseEntity<Void> withdraw(@Valid @RequestBody WithdrawRequest request, Caller caller) {
        claims.withdraw(caller, request.workerName());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/runs/{id}/heartbeat")
    HeartbeatResponse heartbeat(@PathVariable long id, @Valid @RequestBody HeartbeatRequest request, Caller caller) {
        return queue.heartbeat(caller, id, request.attempt());
    }

    @PostMapping("/runs/{id}/checkpoint")
    ResponseEntity<Void> checkpoint(@PathVariable long id, @Valid @RequestBody CheckpointRequest request, Caller caller) {
        queue.checkpoint(caller, id, request.attempt(), request.step(), request.location());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/runs/{id}/finish")
    StatusResponse finish(@PathVariable long id, @Valid @RequestBody FinishRequest request, Caller caller) {
        return new StatusResponse(queue.finish(caller, id, request));
    }

    /** SIGTERM: hand the run back to the queue without spending a retry. */
    @PostMapping("/runs/{id}/release")
    StatusResponse release(@PathVariable long id, @Valid @RequestBody ReleaseRequest request, Caller caller) {
        return new StatusResponse(queue.release(caller, id, request.attempt(), request.reason()));
    }
}
