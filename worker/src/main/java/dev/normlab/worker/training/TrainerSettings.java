package dev.normlab.worker.training;

import java.nio.file.Path;

/**
 * How this worker trains, whatever the spec: machine-level knobs, not part of a run.
 *
 * @param cacheRoot where token caches of the built-in corpus go (null: the data package's default)
 * @param intraOpThreads PyTorch intra-op threads on CPU; null: one per available core
 * @param keepCheckpoints how many of the newest checkpoints survive (the 2)
 */
public record TrainerSettings(Path cacheRoot, Integer intraOpThreads, int keepCheckpoints) {

    public static final int DEFAULT_KEEP_CHECKPOINTS = 2;

    public TrainerSettings {
        if (intraOpThreads != null && intraOpThreads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + intraOpThreads);
        }
        if (keepCheckpoints < 1) {
            throw new IllegalArgumentException("keepCheckpoints must be >= 1, got " + keepCheckpoints);
        }
    }

    public static TrainerSettings defaults() {
        return new TrainerSettings(null, null, DEFAULT_KEEP_CHECKPOINTS);
    }

    public TrainerSettings withThreads(Integer threads) {
        return new TrainerSettings(cacheRoot, threads, keepCheckpoints);
    }

    public TrainerSettings withCacheRoot(Path root) {
        return new TrainerSettings(root, intraOpThreads, keepCheckpoints);
    }

    /** The intra-op threads to use on CPU: as set, else one per core the JVM may use. */
    public int resolvedThreads() {
        return intraOpThreads != null ? intraOpThreads : Runtime.getRuntime().availableProcessors();
    }
}
