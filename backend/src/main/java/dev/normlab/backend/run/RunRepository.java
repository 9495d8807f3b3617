package dev.normlab.backend.run;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL over {@code runs}. Every state change is one statement guarded by the expected state, so two callers
 * racing (user cancel vs. worker finish, reaper vs. heartbeat) can never both win.
 */
@Repository
class RunRepository {

    private static final String SELECT = """
            select r.*, p.name as project_name, p.team_id, t.name as team_name, p.archived_at as project_archived_at,
                   u.name as submitted_by,
                   (select jsonb_object_agg(rp.key, rp.value) from run_params rp where rp.run_id = r.id) as params_json
            from runs r join projects p on p.id = r.project_id join teams t on t.id = p.team_id
                        left join users u on u.id = r.created_by
            """;

    private final JdbcClient jdbc;

    RunRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record NewRun(long projectId, String name, List<String> tags, String specJson, String optimizer, String model,
            String device, long requiredMemoryBytes, int priority, Long createdBy) {
    }

    long nextId() {
        return jdbc.sql("select nextval('runs_id_seq')").query(Long.class).single();
    }

    /**
     * The team's next virtual time: one past the later of the team's own clock and the queue's clock (the
     * oldest queued run, or when nothing is queued the newest stamp ever given). A team's burst of N runs
     * thus spreads over N ticks while other teams keep their turn.
     */
    double stampVirtualTime(long teamId) {
        return jdbc.sql("""
                update teams set vtime = greatest(vtime, coalesce(
                        (select min(vtime) from runs where status = 'QUEUED'),
                        (select max(vtime) from teams), 0)) + 1
                where id = ? returning vtime""").param(teamId).query(Double.class).single();
    }

    void insert(long id, NewRun run, double vtime) {
        jdbc.sql("""
                insert into runs (id, project_id, name, tags, spec, optimizer, model, device, required_memory_bytes,
                                  status, priority, vtime, created_by)
                values (:id, :project, :name, :tags, cast(:spec as jsonb), :optimizer, :model, :device, :memory,
                        'QUEUED', :priority, :vtime, :createdBy)""")
                .param("id", id).param("project", run.projectId()).param("name", run.name())
                .param("tags", run.tags().toArray(String[]::new)).param("spec", run.specJson())
                .param("optimizer", run.optimizer()).param("model", run.model()).param("device", run.device())
                .param("memory", run.requiredMemoryBytes()).param("priority", run.priority())
                .param("vtime", vtime).param("createdBy", run.createdBy())
                .update();
    }

    Optional<RunRow> find(long id) {
        return jdbc.sql(SELECT + " where r.id = ?").param(id).query(ROW).optional();
    }

    Optional<RunRow> findVisible(long id, Set<Long> teamIds) {
        if (teamIds.isEmpty()) {
            return Optional.empty();
        }
        return jdbc.sql(SELECT + " where r.id = :id and p.team_id in (:teams)")
                .param("id", id).param("teams", teamIds).query(ROW).optional();
    }

    boolean isVisible(long id, Set<Long> teamIds) {
        return !teamIds.isEmpty() && jdbc.sql("""
                select exists (select 1 from runs r join projects p on p.id = r.project_id
                               where r.id = :id and p.team_id in (:teams))""")
                .param("id", id).param("teams", teamIds).query(Boolean.class).single();
    }

    record Page(List<RunRow> rows, long total) {
    }

    Page list(RunQuery query, Set<Long> teamIds) {
        if (teamIds.isEmpty()) {
            return new Page(List.of(), 0);
        }
        // runs deleted through MLflow (runs/delete, a soft delete) stay out of lists until restored
        StringBuilder where = new StringBuilder(" where p.team_id in (:teams) and r.deleted_at is null");
        Map<String, Object> params = new HashMap<>();
        params.put("teams", teamIds);
        if (query.project() != null) {
            where.append(" and (p.name = :project or cast(p.id as text) = :project)");
            params.put("project", query.project());
        }
        if (!query.statuses().isEmpty()) {
            where.append(" and r.status in (:statuses)");
            params.put("statuses", query.statuses().stream().map(Enum::name).toList());
        }
        if (!query.optimizers().isEmpty()) {
            where.append(" and r.optimizer in (:optimizers)");
            params.put("optimizers", query.optimizers());
        }
        if (query.tag() != null) {
            where.append(" and r.tags @> array[cast(:tag as text)]");
            params.put("tag", query.tag());
        }
        if (query.submittedBy() != null) {
            where.append(" and r.created_by = (select id from users where name = :submittedBy)");
            params.put("submittedBy", query.submittedBy());
        }
        if (query.nameContains() != null) {
            where.append(" and r.name ilike :name escape '\\'");
            params.put("name", "%" + query.nameContains().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        long total = jdbc.sql("select count(*) from runs r join projects p on p.id = r.project_id" + where)
                .params(params).query(Long.class).single();
        String direction = query.ascending() ? "asc" : "desc";
        String order = query.sort() == RunQuery.Sort.QUEUE
                // the claim's order (priority, then team virtual time, then id), whatever the direction asked
                ? " order by r.priority desc, r.vtime, r.id"
                : " order by " + query.sort().column + " " + direction + " nulls last, r.id " + direction;
        String sql = SELECT + where + order + " limit :limit offset :offset";
        params.put("limit", query.size());
        params.put("offset", (long) query.page() * query.size());
        return new Page(jdbc.sql(sql).params(params).query(ROW).list(), total);
    }

    /** The workers the queue saw (claim or heartbeat) in the last hour, for the waiting reason of queued runs. */
    List<WaitingReason.SeenWorker> workersSeenLastHour() {
        return jdbc.sql("""
                select device_kind, device_memory_bytes, team_id from workers
                where last_seen_at > now() - interval '1 hour'""")
                .query(WaitingReason.SeenWorker.class).list();
    }

    /** QUEUED → CANCELLED at once. */
    boolean cancelQueued(long id) {
        return jdbc.sql("""
                update runs set status = 'CANCELLED', finished_at = now(), updated_at = now(), not_before = null
                where id = ? and status = 'QUEUED'""").param(id).update() == 1;
    }

    /** A RUNNING tracked run (MLflow) → CANCELLED at once: no worker to ask. */
    boolean cancelTracked(long id) {
        return jdbc.sql("""
                update runs set status = 'CANCELLED', finished_at = now(), updated_at = now()
                where id = ? and kind = 'TRACKED' and status = 'RUNNING'""").param(id).update() == 1;
    }

    /** RUNNING: ask the worker to stop; its next heartbeat answers cancelRequested. */
    boolean requestCancel(long id) {
        return jdbc.sql("update runs set cancel_requested = true, updated_at = now() where id = ? and status = 'RUNNING'")
                .param(id).update() == 1;
    }

    boolean patch(long id, String name, List<String> tags, String notes) {
        return jdbc.sql("""
                update runs set name = coalesce(:name, name), tags = coalesce(:tags, tags),
                                notes = coalesce(:notes, notes), updated_at = now()
                where id = :id""")
                .param("id", id).param("name", name).param("tags", tags == null ? null : tags.toArray(String[]::new))
                .param("notes", notes).update() == 1;
    }

    /** Deletes the run unless it is RUNNING (its metrics go with it by cascade). */
    boolean deleteUnlessRunning(long id) {
        return jdbc.sql("delete from runs where id = ? and status <> 'RUNNING'").param(id).update() == 1;
    }

    static final RowMapper<RunRow> ROW = RunRepository::map;

    private static RunRow map(ResultSet rs, int rowNum) throws SQLException {
        return new RunRow(
                rs.getLong("id"), rs.getLong("project_id"), rs.getString("project_name"), rs.getLong("team_id"),
                rs.getString("team_name"), rs.getString("name"), strings(rs.getArray("tags")), rs.getString("notes"),
                rs.getString("spec"), RunStatus.valueOf(rs.getString("status")), rs.getInt("priority"),
                rs.getInt("attempt"), rs.getInt("infra_failures"), rs.getInt("code_failures"),
                rs.getObject("not_before", OffsetDateTime.class), rs.getString("worker_name"),
                rs.getObject("lease_until", OffsetDateTime.class), rs.getBoolean("cancel_requested"),
                (Long) rs.getObject("checkpoint_step", Long.class), rs.getString("checkpoint_location"),
                rs.getString("error"), rs.getString("summary"), (Double) rs.getObject("final_loss", Double.class),
                rs.getString("device"), rs.getLong("required_memory_bytes"), rs.getString("submitted_by"),
                rs.getObject("project_archived_at", OffsetDateTime.class) != null,
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("started_at", OffsetDateTime.class),
                rs.getObject("finished_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class),
                RunKind.valueOf(rs.getString("kind")), rs.getString("mlflow_run_id"), rs.getString("params_json"));
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : List.copyOf(Arrays.asList((String[]) array.getArray()));
    }

}
