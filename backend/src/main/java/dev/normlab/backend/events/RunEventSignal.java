package dev.normlab.backend.events;

import dev.normlab.backend.metric.MetricsIngested;
import dev.normlab.backend.run.RunStateChanged;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Turns run events into a Postgres NOTIFY on {@link #CHANNEL}, sent inside the publishing transaction (so it is
 * delivered only on commit) and heard by every backend replica's {@link RunEventListener}. The payload is small
 * (PostgreSQL caps it at 8000 bytes): the listeners re-read new points from the database.
 */
@Component
class RunEventSignal {

    static final String CHANNEL = "normlab_run_events";

    private final JdbcClient jdbc;

    RunEventSignal(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventListener
    void onStateChanged(RunStateChanged changed) {
        notify(RunNotification.state(changed.runId(), changed.status().name(), changed.attempt()));
    }

    @EventListener
    void onMetrics(MetricsIngested ingested) {
        notify(RunNotification.metrics(ingested.runId(), ingested.fromStep(), ingested.toStep()));
    }

    private void notify(RunNotification notification) {
        jdbc.sql("select pg_notify(?, ?)").params(CHANNEL, notification.payload()).query(Object.class).single();
    }
}
