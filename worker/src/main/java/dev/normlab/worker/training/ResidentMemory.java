package dev.normlab.worker.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Peak resident set of this process, from the kernel's high-water mark ({@code VmHWM} in /proc/self/status). */
final class ResidentMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {
    }

    /** Peak resident bytes, or null where /proc is missing (not Linux). */
    static Long peakBytes() {
        try {
            return parseHighWaterMark(Files.readAllLines(STATUS));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    static Long parseHighWaterMark(List<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith("VmHWM:")) {
                String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024; // the kernel reports kB
            }
        }
        return null;
    }
}
