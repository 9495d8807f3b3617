package dev.normlab.backend.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.support.Submitter;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;

@SpringBootTest
@AutoConfigureMockMvc
class FairnessTest {

    @Autowired
    QueueService queue;
    @Autowired
    Fixtures fixtures;
    @Autowired
    Submitter submitter;

    @BeforeEach
    void emptyQueue() {
        fixtures.deleteAllRuns();
    }

    /**
     * A's 600 runs take virtual times 1..600; B, submitting after them, starts at the queue's clock (the oldest
     * queued run) and takes 2..401. Claims then alternate A, B, A, B…: B gets 49 of the first 100. Stated bound:
     * B gets between 45 and 55 of the first 100 claims, and every one of the first 10.
     */
    @Test
    void aTeamSubmittingAfterAnotherTeamsBurstGetsAboutHalfOfTheFirstHundredClaims() {
        Set<Long> teamA = ids(submitter.submit(fixtures.newTeam("a"), 600));
        Set<Long> teamB = ids(submitter.submit(fixtures.newTeam("b"), 400));

        int b = 0;
        int bInFirstTen = 0;
        for (int i = 0; i < 100; i++) {
            long id = queue.claimOnce(Worker.of(fixtures.workerCaller(), "w"), "cpu", 1L << 40).orElseThrow().runId();
            assertThat(teamA.contains(id) || teamB.contains(id)).isTrue();
            if (teamB.contains(id)) {
                b++;
                bInFirstTen += i < 10 ? 1 : 0;
            }
        }
        assertThat(b).isBetween(45, 55);
        assertThat(bInFirstTen).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aTeamReturningToAnIdleQueueDoesNotJumpAheadOfAnotherTeamsLaterBurstNorFallBehindIt() {
        Fixtures.Team a = fixtures.newTeam("a");
        Fixtures.Team b = fixtures.newTeam("b");
        submitter.submit(a, 50);
        while (queue.claimOnce(Worker.of(fixtures.workerCaller(), "w"), "cpu", 1L << 40).isPresent()) {
            // drain: A's clock is now far ahead of B's
        }
        Set<Long> teamB = ids(submitter.submit(b, 20));
        Set<Long> teamA = ids(submitter.submit(a, 20));

        int aInFirstTen = 0;
        for (int i = 0; i < 10; i++) {
            aInFirstTen += teamA.contains(queue.claimOnce(Worker.of(fixtures.workerCaller(), "w"), "cpu", 1L << 40).orElseThrow().runId()) ? 1 : 0;
        }
        assertThat(teamB).hasSize(20);
        assertThat(aInFirstTen).isBetween(4, 6);
    }

    private static Set<Long> ids(long[] ids) {
        return Arrays.stream(ids).boxed().collect(Collectors.toSet());
    }
}
