package dev.normlab.backend.run;

import dev.normlab.backend.team.Caller;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Each run's life as rows of {@code run_events}: who (a user, a worker, or the platform itself) did what and
 * when. Written in the transaction of the change it records; a deleted run keeps its rows (the audit trail).
 */
@Component
public class RunHistory {

    public enum ActorKind { USER, WORKER, SYSTEM }

    public record Actor(ActorKind kind, String name) {

        public static final Actor SYSTEM = new Actor(ActorKind.SYSTEM, "normlab");

        public static Actor of(Caller caller) {
            return new Actor(caller.isWorker() ? ActorKind.WORKER : ActorKind.USER, caller.name());
        }

        public static Actor worker(String name) {
            return new Actor(ActorKind.WORKER, name);
        }
    }

    /** One event as the API shows it. */
    public record Event(OffsetDateTime at, String event, Actor actor, String detail) {
    }

    private final JdbcClient jdbc;

    RunHistory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @param event a short verb: submitted, claimed, checkpointed, cancel-requested, finished, … */
    public void record(long runId, String event, Actor actor, String detail) {
        jdbc.sql("""
                insert into run_events (run_id, team_id, event, actor_kind, actor_name, detail)
                select r.id, p.team_id, :event, :kind, :name, :detail
                from runs r join projects p on p.id = r.project_id where r.id = :run""")
                .param("run", runId).param("event", event).param("kind", actor.kind().name())
                .param("name", actor.name()).param("detail", detail).update();
    }

    /** An event of the worker that holds (or last held) the run, named as it named itself at the claim. */
    public void recordWorker(long runId, String event, String detail) {
        jdbc.sql("""
                insert into run_events (run_id, team_id, event, actor_kind, actor_name, detail)
                select r.id, p.team_id, :event, 'WORKER', coalesce(r.worker_name, '?'), :detail
                from runs r join projects p on p.id = r.project_id where r.id = :run""")
                .param("run", runId).param("event", event).param("detail", detail).update();
    }

    /** Oldest first. */
    List<Event> of(long runId) {
        return jdbc.sql("select at, event, actor_kind, actor_name, detail from run_events where run_id = ? order by id")
                .param(runId)
                .query((rs, i) -> new Event(rs.getObject("at", OffsetDateTime.class), rs.getString("event"),
                        new Actor(ActorKind.valueOf(rs.getString("actor_kind")), rs.getString("actor_name")),
                        rs.getString("detail")))
                .list();
    }
}
