package dev.normlab.worker.training;

import dev.normlab.worker.data.FileAccess;
import java.nio.file.Path;

/**
 * How this worker trains, whatever the spec: machine-level knobs, not part of a run.
 *
 * @param cacheRoot where token caches of the built-in corpus go (null: the data package's default)
 * @param intraOpThreads PyTorch intra-op threads on CPU; null: one per available core
 * @param keepCheckpoints how many of the newest checkpoints survive; the default 2 keeps the one before the newest,
 *     which the backend still names for a re-claim when reporting the newest failed
 * @param fileAccess which files a spec may name: any for the {@code train} CLI, the data root's for the agent
 */
public record TrainerSettings(Path cacheRoot, Integer intraOpThreads, int keepCheckpoints, FileAccess fileAccess) {

    public static final int DEFAULT_KEEP_CHECKPOINTS = 2;

    public TrainerSettings {
        if (intraOpThreads != null && intraOpThreads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + intraOpThreads);
        }
        if (keepCheckpoints < 1) {
            throw new IllegalArgumentException("keepCheckpoints must be >= 1, got " + keepCheckpoints);
        }
        if (fileAccess == null) {
            throw new IllegalArgumentException("fileAccess must be set (FileAccess.unrestricted() for any path)");
        }
    }

    public static TrainerSettings defaults() {
        return new TrainerSettings(null, null, DEFAULT_KEEP_CHECKPOINTS, FileAccess.unrestricted());
    }

    public TrainerSettings withThreads(Integer threads) {
        return new TrainerSettings(cacheRoot, threads, keepCheckpoints, fileAccess);
    }

    public TrainerSettings withCacheRoot(Path root) {
        return new TrainerSettings(root, intraOpThreads, keepCheckpoints, fileAccess);
    }

    /** Spec paths confined to {@code access} (the agent's data root). */
    public TrainerSettings withFileAccess(FileAccess access) {
        return new TrainerSettings(cacheRoot, intraOpThreads, keepCheckpoints, access);
    }

    /** The intra-op threads to use on CPU: as set, else one per core the JVM may use. */
    public int resolvedThreads() {
        return intraOpThreads != null ? intraOpThreads : Runtime.getRuntime().availableProcessors();
    }
}
