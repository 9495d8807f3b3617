package dev.normlab.api.worker;

import jakarta.validation.constraints.PositiveOrZero;
import java.util.Map;

/**
 * Memory the worker measured, never mixed up with the analytic estimate.
 *
 * @param optimizerStateBytes exact bytes of every optimizer-state NDArray
 * @param optimizerStateBytesByGroup the same per parameter group (hidden, embedding, head, gains)
 * @param peakDeviceBytes peak GPU memory (null on CPU)
 * @param peakResidentBytes peak resident set of the worker process
 */
public record MeasuredMemory(
        @PositiveOrZero Long optimizerStateBytes,
        Map<String, Long> optimizerStateBytesByGroup,
        @PositiveOrZero Long weightBytes,
        @PositiveOrZero Long gradientBytes,
        @PositiveOrZero Long peakDeviceBytes,
        @PositiveOrZero Long peakResidentBytes) {

    public MeasuredMemory {
        optimizerStateBytesByGroup = optimizerStateBytesByGroup == null ? Map.of() : Map.copyOf(optimizerStateBytesByGroup);
    }
}
