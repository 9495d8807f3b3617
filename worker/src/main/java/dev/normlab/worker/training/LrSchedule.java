package dev.normlab.worker.training;

import ai.djl.training.tracker.ParameterTracker;
import dev.normlab.api.spec.ScheduleSpec;

/**
 * The run's learning rate: linear warmup, then cosine decay to a floor ({@link ScheduleSpec#lrAt}), as a DJL
 * tracker for the optimizers. DJL counts updates from 1, so update {@code t} is step {@code t - 1}.
 */
public record LrSchedule(ScheduleSpec spec, long totalSteps, double peak) implements ParameterTracker {

    /** The learning rate of the update made by step {@code step} (0-based). */
    public double at(long step) {
        return spec.lrAt(step, totalSteps, peak);
    }

    @Override
    public float getNewValue(String parameterId, int numUpdate) {
        return (float) at(numUpdate - 1L);
    }
}
