package dev.normlab.backend.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.queue.RunClaimed;
import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.support.WorkerClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

/** The events live views (SSE) and the metric store follow: one per state transition, and the claim's resume step. */
@SpringBootTest
@AutoConfigureMockMvc
@RecordApplicationEvents
class RunEventsTest {

    @Autowired
    MockMvcTester mvc;
    @Autowired
    Fixtures fixtures;
    @Autowired
    ApplicationEvents events;

    @Test
    void everyTransitionPublishesRunStateChangedAndAClaimPublishesItsResumeStep() {
        fixtures.deleteAllRuns();
        WorkerClient worker = new WorkerClient(mvc, fixtures.workerBearer());
        long id = Fixtures.idOf(mvc.post().uri("/api/v1/runs").header(HttpHeaders.AUTHORIZATION, fixtures.adminBearer())
                .contentType(MediaType.APPLICATION_JSON).content(Fixtures.SPEC).exchange());
        worker.claimRun();
        worker.checkpoint(id, 1, 12, "/ckpt/12");
        worker.release(id, 1);
        worker.claimRun();
        worker.finish(id, 2, "\"status\": \"SUCCEEDED\"");

        assertThat(events.stream(RunStateChanged.class).filter(e -> e.runId() == id))
                .containsExactly(new RunStateChanged(id, RunStatus.QUEUED, 0), new RunStateChanged(id, RunStatus.RUNNING, 1),
                        new RunStateChanged(id, RunStatus.QUEUED, 1), new RunStateChanged(id, RunStatus.RUNNING, 2),
                        new RunStateChanged(id, RunStatus.SUCCEEDED, 2));
        assertThat(events.stream(RunClaimed.class).filter(e -> e.runId() == id))
                .containsExactly(new RunClaimed(id, 1, null), new RunClaimed(id, 2, 12L));
    }
}
