package dev.normlab.backend.queue;

import dev.normlab.api.worker.Assignment;
import dev.normlab.api.worker.CheckpointRequest;
import dev.normlab.api.worker.ClaimRequest;
import dev.normlab.api.worker.FinishRequest;
import dev.normlab.api.worker.HeartbeatRequest;
import dev.normlab.api.worker.HeartbeatResponse;
import dev.normlab.api.worker.ReleaseRequest;
import jakarta.validation.Valid;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

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
    record StatusResponse(String status) {
    }

    /**
     * Long-polls for the next eligible run: 200 with the assignment, 204 when nothing came in time. Asynchronous:
     * a waiting worker holds no request thread.
     */
    @PostMapping("/claim")
    CompletableFuture<ResponseEntity<Assignment>> claim(@Valid @RequestBody ClaimRequest request) {
        return claims.claim(request).thenApply(claimed -> claimed.map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.noContent().build()));
    }

    @PostMapping("/runs/{id}/heartbeat")
    HeartbeatResponse heartbeat(@PathVariable long id, @Valid @RequestBody HeartbeatRequest request) {
        return queue.heartbeat(id, request.attempt());
    }

    @PostMapping("/runs/{id}/checkpoint")
    ResponseEntity<Void> checkpoint(@PathVariable long id, @Valid @RequestBody CheckpointRequest request) {
        queue.checkpoint(id, request.attempt(), request.step(), request.location());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/runs/{id}/finish")
    StatusResponse finish(@PathVariable long id, @Valid @RequestBody FinishRequest request) {
        return new StatusResponse(queue.finish(id, request));
    }

    /** SIGTERM: hand the run back to the queue without spending a retry. */
    @PostMapping("/runs/{id}/release")
    StatusResponse release(@PathVariable long id, @Valid @RequestBody ReleaseRequest request) {
        return new StatusResponse(queue.release(id, request.attempt(), request.reason()));
    }
}
