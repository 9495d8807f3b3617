package dev.normlab.worker.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

/** Makes the JVM free unreachable direct buffers now, so a native use of one after its release shows. */
public final class JvmBuffers {

    private JvmBuffers() {
    }

    /** Collects garbage until the JVM has freed at least one unreachable direct buffer (a dropped one, at least). */
    @SuppressWarnings("UnusedAssignment")
    public static void freeUnreachable() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
        ByteBuffer dropped = ByteBuffer.allocateDirect(4);
        long before = direct.getCount();
        dropped = null;
        try {
            for (int round = 0; round < 100 && direct.getCount() >= before; round++) {
                System.gc();
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the GC", e);
        }
        assertThat(direct.getCount()).as("direct buffers freed by the GC").isLessThan(before);
    }
}
