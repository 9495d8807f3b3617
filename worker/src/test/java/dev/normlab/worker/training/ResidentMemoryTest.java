package dev.normlab.worker.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResidentMemoryTest {

    @Test
    void readsTheHighWaterMarkInBytes() {
        assertThat(ResidentMemory.parseHighWaterMark(List.of("VmPeak:\t 9000 kB", "VmHWM:\t  123456 kB", "VmRSS:\t 100 kB")))
                .isEqualTo(123456L * 1024);
        assertThat(ResidentMemory.parseHighWaterMark(List.of("Name: java"))).isNull();
    }

    @Test
    void thisProcessHasAPeakAtLeastItsHeapInUse() {
        Runtime rt = Runtime.getRuntime();
        assertThat(ResidentMemory.peakBytes()).isGreaterThan(rt.totalMemory() - rt.freeMemory());
    }
}
