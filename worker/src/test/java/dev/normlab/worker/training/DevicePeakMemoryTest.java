package dev.normlab.worker.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic of the GPU peak (no GPU here: the device's used bytes are scripted; on a GPU they come from
 * {@code CudaUtils.getGpuMemory}, and bench/gpu-smoke.sh checks the figures).
 */
class DevicePeakMemoryTest {

    @Test
    void onAGpuThePeakIsTheHighestReadingAboveTheBaselineTakenAfterEmptyingTheCache() {
        AtomicInteger emptied = new AtomicInteger();
        // 900 MiB: context + another process, read at the start; then the run's reserved memory grows and stays
        ArrayDeque<Long> readings = new ArrayDeque<>(List.of(900L << 20, 1_400L << 20, 2_100L << 20, 2_100L << 20, 2_000L << 20));
        MemoryAccounting.DevicePeakMemory peak = MemoryAccounting.DevicePeakMemory.start(Device.gpu(),
                readings::removeFirst, emptied::incrementAndGet);

        assertThat(emptied).hasValue(1);
        for (int i = 0; i < 4; i++) {
            peak.sample();
        }
        assertThat(peak.peakBytes()).isEqualTo(1_200L << 20);
        assertThat(readings).isEmpty();
    }

    @Test
    void onCpuNothingIsReadAndThePeakIsNull() {
        MemoryAccounting.DevicePeakMemory peak = MemoryAccounting.DevicePeakMemory.start(Device.cpu(), () -> {
            throw new AssertionError("read on CPU");
        }, () -> {
            throw new AssertionError("emptied on CPU");
        });
        peak.sample();
        assertThat(peak.peakBytes()).isNull();
    }
}
