package dev.normlab.backend.mlflow;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The MLflow-compatible API's knobs.
 *
 * @param lostAfter a tracked run RUNNING with nothing logged for this long is marked lost (FAILED); logging again
 *     revives it
 * @param lostCheck how often RUNNING tracked runs are checked for that
 * @param membersCreateExperiments whether team members (not only owners) may create experiments (= projects) through
 *     MLflow, as {@code mlflow.set_experiment} does for any user
 */
@ConfigurationProperties("normlab.mlflow")
record MlflowProperties(
        @DefaultValue("30m") Duration lostAfter,
        @DefaultValue("1m") Duration lostCheck,
        @DefaultValue("true") boolean membersCreateExperiments) {
}
