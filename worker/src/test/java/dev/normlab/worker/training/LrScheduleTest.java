package dev.normlab.worker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.normlab.api.spec.ScheduleSpec;
import org.junit.jupiter.api.Test;

class LrScheduleTest {

    @Test
    void djlUpdateCountsFromOneAndTheScheduleFromStepZero() {
        LrSchedule schedule = new LrSchedule(ScheduleSpec.defaults(), 100, 0.02);
        // warmup: 10 steps, the first update (t = 1) already at peak / 10
        assertThat(schedule.getNewValue("any", 1)).isCloseTo(0.002f, within(1e-9f));
        assertThat(schedule.getNewValue("any", 10)).isCloseTo(0.02f, within(1e-9f));
        // halfway through the cosine (step 10 + 45): the mean of peak and floor
        assertThat(schedule.getNewValue("any", 56)).isCloseTo((float) (0.5 * (0.02 + 0.002)), within(1e-9f));
        // the last step ends just above the floor, 10% of the peak
        assertThat(schedule.at(99)).isCloseTo(0.002 + 0.018 * 0.5 * (1 + Math.cos(Math.PI * 89 / 90)), within(1e-15));
    }
}
