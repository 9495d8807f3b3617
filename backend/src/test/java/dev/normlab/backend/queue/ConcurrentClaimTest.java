package dev.normlab.backend.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.normlab.api.worker.Assignment;
import dev.normlab.backend.support.Fixtures;
import dev.normlab.backend.support.Submitter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;

@SpringBootTest
@AutoConfigureMockMvc
class ConcurrentClaimTest {

    @Autowired
    QueueService queue;
    @Autowired
    Fixtures fixtures;
    @Autowired
    Submitter submitter;
    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void emptyQueue() {
        fixtures.deleteAllRuns();
    }

    @Test
    void sixteenWorkersClaimingFiveHundredRunsAtOnceGetEachRunExactlyOnce() throws Exception {
        long[] submitted = submitter.submit(fixtures.newTeam("c"), 500);
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String worker = "w" + t;
            results.add(pool.submit(() -> {
                start.await();
                List<Long> mine = new ArrayList<>();
                for (Optional<Assignment> a; (a = queue.claimOnce(Worker.of(fixtures.workerCaller(), worker), "cpu", 1L << 40)).isPresent(); ) {
                    mine.add(a.get().runId());
                }
                return mine;
            }));
        }
        start.countDown();
        List<Long> claimed = new ArrayList<>();
        Map<Integer, Integer> perWorker = new HashMap<>();
        for (int t = 0; t < threads; t++) {
            List<Long> mine = results.get(t).get();
            claimed.addAll(mine);
            perWorker.put(t, mine.size());
        }
        pool.shutdown();

        assertThat(claimed).doesNotHaveDuplicates().hasSize(500);
        assertThat(claimed).containsExactlyInAnyOrderElementsOf(Arrays.stream(submitted).boxed().toList());
        assertThat(jdbc.sql("select count(*) from runs where status = 'RUNNING' and attempt = 1").query(Long.class).single())
                .isEqualTo(500);
        // contention really happened: more than one worker got work
        assertThat(Collections.frequency(perWorker.values(), 0)).isLessThan(threads - 1);
    }
}
