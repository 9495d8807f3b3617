package dev.normlab.worker.training;

import dev.normlab.api.worker.MetricPoint;

/**
 * Where the training loop sends its metrics: the CLI writes JSONL, the node agent posts batches to the
 * backend. Called from the training thread; implementations buffer and must not block for long.
 */
public interface MetricSink extends AutoCloseable {

    void record(MetricPoint point);

    /** Called after each evaluation and at the end: push what is buffered. */
    default void flush() {
    }

    @Override
    default void close() {
        flush();
    }
}
