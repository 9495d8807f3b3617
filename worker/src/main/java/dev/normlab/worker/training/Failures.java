package dev.normlab.worker.training;

import dev.normlab.api.worker.FailureKind;
import java.util.Locale;
import java.util.function.Supplier;

/** Maps what went wrong to the failure kind the backend acts on. */
final class Failures {

    private Failures() {
    }

    /** Runs a resolution step whose IllegalArgumentException means the spec cannot run here. */
    static <T> T invalidSpecOn(String field, Supplier<T> resolve) {
        try {
            return resolve.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() != null ? e.getMessage() : e.toString();
            throw new TrainingFailedException(FailureKind.INVALID_SPEC,
                    message.startsWith(field) ? message : field + ": " + message, e);
        }
    }

    /** Anything else that escaped the loop: OOM when the engine or the JVM ran out of memory, else CODE. */
    static TrainingFailedException classify(Throwable t) {
        if (t instanceof TrainingFailedException f) {
            return f;
        }
        if (isOutOfMemory(t)) {
            return new TrainingFailedException(FailureKind.OOM, "out of memory: " + t, t);
        }
        if (isDiskFull(t)) {
            return new TrainingFailedException(FailureKind.WORKER, "the worker's disk is full: " + describe(t), t);
        }
        return new TrainingFailedException(FailureKind.CODE, "training failed: " + describe(t), t);
    }

    /**
     * The exception and, when its own message hides it, its root cause: "writing checkpoint … failed" alone does
     * not say that the disk is full (found by bench/fault-suite.sh).
     */
    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = t.toString();
        return root == t || text.contains(root.toString()) ? text : text + " (cause: " + root + ")";
    }

    /** ENOSPC as the JDK reports it ("No space left on device"), anywhere in the chain. */
    static boolean isDiskFull(Throwable t) {
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }

    static boolean isOutOfMemory(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError) {
                return true;
            }
            String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            // PyTorch: "CUDA out of memory", "DefaultCPUAllocator: can't allocate memory"
            if (m.contains("out of memory") || m.contains("can't allocate memory")) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }
}
