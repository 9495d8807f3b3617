package dev.normlab.backend.events;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** A run's current state, for the first event of a stream. */
@Repository
class RunStates {

    private final JdbcClient jdbc;

    RunStates(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<StateEvent> current(long runId) {
        return jdbc.sql("select id as run_id, status, attempt from runs where id = ?").param(runId)
                .query(StateEvent.class).optional();
    }
}
