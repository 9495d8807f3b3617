package dev.normlab.backend.mlflow;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Marks RUNNING tracked runs whose client went silent as lost (FAILED), so none stays RUNNING forever. */
@Component
class LostRunCheck {

    private static final Logger log = LoggerFactory.getLogger(LostRunCheck.class);

    private final MlflowService mlflow;

    LostRunCheck(MlflowService mlflow) {
        this.mlflow = mlflow;
    }

    @Scheduled(fixedDelayString = "${normlab.mlflow.lost-check:1m}", initialDelayString = "${normlab.mlflow.lost-check:1m}")
    void check() {
        int lost = mlflow.markLostRuns();
        if (lost > 0) {
            log.info("{} tracked run(s) marked lost: nothing logged for normlab.mlflow.lost-after", lost);
        }
    }
}
