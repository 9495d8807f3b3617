package dev.normlab.backend.events;

import dev.normlab.backend.run.RunAccess;
import dev.normlab.backend.team.Caller;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** Server-Sent Events of one run: {@code state} (first the current one) and {@code metrics} while it is live. */
@RestController
class RunEventsController {

    private final RunAccess access;
    private final RunEventHub hub;

    RunEventsController(RunAccess access, RunEventHub hub) {
        this.access = access;
        this.hub = hub;
    }

    @GetMapping(path = "/api/v1/runs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@PathVariable long id, Caller caller) {
        access.requireVisible(caller, id);
        return hub.open(id);
    }
}
