package dev.normlab.backend.queue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The workers the queue has seen: refreshed by every claim and heartbeat, listed for the queue page. */
@Repository
class WorkerRegistry {

    /** Workers not seen for longer than this are left out of the list. */
    static final Duration RECENT = Duration.ofHours(1);

    private final JdbcClient jdbc;

    WorkerRegistry(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A claim arrived: the worker is alive and, until it gets a run, idle; its engine self-check, when it sent one. */
    void claiming(Worker worker, String deviceKind, long deviceMemoryBytes, String engineJson) {
        jdbc.sql("""
                insert into workers (token_id, name, team_id, device_kind, device_memory_bytes, engine, current_run_id, last_seen_at)
                values (:token, :name, :team, :device, :memory, cast(:engine as jsonb), null, now())
                on conflict (token_id, name) do update set team_id = excluded.team_id, device_kind = excluded.device_kind,
                    device_memory_bytes = excluded.device_memory_bytes, engine = coalesce(excluded.engine, workers.engine),
                    current_run_id = null, last_seen_at = now()""")
                .param("token", worker.tokenId()).param("name", worker.name()).param("team", worker.teamId())
                .param("device", deviceKind).param("memory", deviceMemoryBytes).param("engine", engineJson).update();
    }

    /** The worker holds (claimed, or still beats for) this run. */
    void working(long tokenId, String name, long runId) {
        jdbc.sql("update workers set current_run_id = ?, last_seen_at = now() where token_id = ? and name = ?")
                .params(runId, tokenId, name).update();
    }

    /** The worker that held the run let it go (finished, released). */
    void done(long tokenId, long runId) {
        jdbc.sql("update workers set current_run_id = null, last_seen_at = now() where token_id = ? and current_run_id = ?")
                .params(tokenId, runId).update();
    }

    record Row(String name, String deviceKind, long deviceMemoryBytes, Long teamId, String team, Long currentRunId,
            Long currentRunTeamId, OffsetDateTime lastSeenAt, String engine) {
    }

    /** Platform workers and the workers of {@code teamIds} seen recently, most recent first. */
    List<Row> recent(Set<Long> teamIds) {
        return jdbc.sql("""
                select w.name, w.device_kind, w.device_memory_bytes, w.team_id, t.name as team, w.current_run_id,
                       p.team_id as current_run_team_id, w.last_seen_at, cast(w.engine as text) as engine
                from workers w left join teams t on t.id = w.team_id
                     left join runs r on r.id = w.current_run_id left join projects p on p.id = r.project_id
                where w.last_seen_at > now() - :recentMs * interval '1 millisecond'
                  and (w.team_id is null or w.team_id = any(:teams))
                order by w.last_seen_at desc, w.name""")
                .param("recentMs", RECENT.toMillis()).param("teams", teamIds.toArray(Long[]::new))
                .query(Row.class).list();
    }
}
