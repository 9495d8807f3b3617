package dev.normlab.backend.queue;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Postgres NOTIFY on a channel every backend replica LISTENs on: a run became claimable. Sent inside the
 * transaction, so it arrives only if the run was committed.
 */
@Component
class QueueSignal {

    static final String CHANNEL = "normlab_queue";

    private final JdbcClient jdbc;

    QueueSignal(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void notifyQueued() {
        jdbc.sql("select pg_notify('" + CHANNEL + "', '')").query(Object.class).single();
    }
}
