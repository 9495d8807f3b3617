package dev.normlab.worker.training;

import ai.djl.pytorch.jni.JniUtils;

/** PyTorch's intra-op thread pool size: process-wide, so set once per run before the first op. */
final class EngineThreads {

    private EngineThreads() {
    }

    static void apply(int threads) {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads)); // read when the engine loads
        if (JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads); // the engine is already loaded (a second run in this JVM)
        }
    }

    static int current() {
        return JniUtils.getNumThreads();
    }
}
