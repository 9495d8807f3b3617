package dev.normlab.backend.mlflow;

import dev.normlab.backend.run.RunStatus;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of tracked runs: the rows of {@code runs} of kind TRACKED, their params and tags, their latest metrics. */
@Repository
class MlflowRepository {

    private static final String SELECT = """
            select r.id, r.mlflow_run_id, r.project_id, p.team_id, p.archived_at is not null as project_archived, r.name,
                   r.status, r.attempt, u.name as user_name, r.started_at, r.finished_at, r.deleted_at, r.lost_at
            from runs r join projects p on p.id = r.project_id left join users u on u.id = r.created_by
            """;

    /** The latest point of a series (MLflow's "latest metric": highest step). */
    private static final String LATEST = """
            cross join lateral (select mp.step, mp.seconds, mp.value from metric_points mp
                                where mp.series_id = s.id order by mp.step desc limit 1) l""";

    private final JdbcClient jdbc;

    MlflowRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A tracked run with what the MLflow API needs to check and show. */
    record Tracked(long id, String mlflowRunId, long projectId, long teamId, boolean projectArchived, String name,
            RunStatus status, int attempt, String user, OffsetDateTime startedAt, OffsetDateTime finishedAt,
            OffsetDateTime deletedAt, OffsetDateTime lostAt) {

        long startMillis() {
            return startedAt == null ? 0 : startedAt.toInstant().toEpochMilli();
        }
    }

    private static final RowMapper<Tracked> TRACKED = (rs, n) -> new Tracked(rs.getLong("id"), rs.getString("mlflow_run_id"),
            rs.getLong("project_id"), rs.getLong("team_id"), rs.getBoolean("project_archived"), rs.getString("name"),
            RunStatus.valueOf(rs.getString("status")), rs.getInt("attempt"), rs.getString("user_name"),
            rs.getObject("started_at", OffsetDateTime.class), rs.getObject("finished_at", OffsetDateTime.class),
            rs.getObject("deleted_at", OffsetDateTime.class), rs.getObject("lost_at", OffsetDateTime.class));

    Optional<Tracked> find(String mlflowRunId, Collection<Long> teamIds) {
        if (teamIds.isEmpty()) {
            return Optional.empty();
        }
        return jdbc.sql(SELECT + " where r.kind = 'TRACKED' and r.mlflow_run_id = :id and p.team_id in (:teams)")
                .param("id", mlflowRunId).param("teams", teamIds).query(TRACKED).optional();
    }

    Tracked get(long id) {
        return jdbc.sql(SELECT + " where r.id = ?").param(id).query(TRACKED).single();
    }

    long insert(long projectId, String name, String mlflowRunId, Long userId, Instant startTime) {
        // vtime 0: a tracked run never queues, so it never takes part in fairness
        return jdbc.sql("""
                insert into runs (project_id, name, kind, mlflow_run_id, status, vtime, created_by, started_at, last_logged_at)
                values (:project, :name, 'TRACKED', :mlflow, 'RUNNING', 0, :user, :start, now()) returning id""")
                .param("project", projectId).param("name", name).param("mlflow", mlflowRunId).param("user", userId)
                .param("start", Timestamp.from(startTime)).query(Long.class).single();
    }

    /** Status and end time from runs/update; a terminal status takes the final loss from the run's loss curve. */
    void update(long id, RunStatus status, Instant endTime, String name) {
        jdbc.sql("""
                update runs set status = :status,
                       finished_at = case when :terminal then coalesce(cast(:end as timestamptz), now()) end,
                       error = case when :terminal then error end, lost_at = null,
                       name = coalesce(:name, name), last_logged_at = now(), updated_at = now(),
                       final_loss = case when :terminal then (
                           select l.value from metric_series s %s
                           where s.run_id = :id and s.key in ('train_loss', 'loss', 'train/loss')
                           order by array_position(array['train_loss', 'loss', 'train/loss'], s.key) limit 1) end
                where id = :id""".formatted(LATEST))
                .param("id", id).param("status", status.name()).param("terminal", status.isTerminal())
                .param("end", endTime == null ? null : Timestamp.from(endTime)).param("name", name).update();
    }

    /** The optimizer a tracked run names in its params, for the runs list's optimizer filter. */
    void setOptimizer(long id, String optimizer) {
        jdbc.sql("update runs set optimizer = ? where id = ?").params(optimizer, id).update();
    }

    void rename(long id, String name) {
        jdbc.sql("update runs set name = ?, updated_at = now() where id = ?").params(name, id).update();
    }

    /** Marks that a client logged something now. */
    void touch(long id) {
        jdbc.sql("update runs set last_logged_at = now() where id = ?").param(id).update();
    }

    /** A run the lost-run check failed logs again: RUNNING once more. */
    boolean revive(long id) {
        return jdbc.sql("""
                update runs set status = 'RUNNING', lost_at = null, error = null, finished_at = null,
                                last_logged_at = now(), updated_at = now()
                where id = ? and status = 'FAILED' and lost_at is not null""").param(id).update() == 1;
    }

    record Lost(long id, int attempt) {
    }

    /** RUNNING tracked runs with nothing logged for {@code after} → FAILED, lost. */
    List<Lost> markLost(Duration after, String error) {
        return jdbc.sql("""
                update runs set status = 'FAILED', lost_at = now(), finished_at = now(), updated_at = now(), error = :error
                where kind = 'TRACKED' and status = 'RUNNING'
                  and coalesce(last_logged_at, started_at) < now() - make_interval(secs => :secs)
                returning id, attempt""")
                .param("error", error).param("secs", after.toMillis() / 1000.0).query(Lost.class).list();
    }

    boolean setDeleted(long id, boolean deleted) {
        return jdbc.sql("update runs set deleted_at = case when :deleted then now() end, updated_at = now() where id = :id")
                .param("deleted", deleted).param("id", id).update() == 1;
    }

    // ---- params and tags

    /** Inserts params not logged yet; returns the stored value of every given key (old ones win). */
    Map<String, String> insertParams(long runId, List<String> keys, List<String> values) {
        jdbc.sql("""
                insert into run_params (run_id, key, value) select ?, k, v from unnest(?::text[], ?::text[]) as t(k, v)
                on conflict (run_id, key) do nothing""")
                .params(runId, keys.toArray(String[]::new), values.toArray(String[]::new)).update();
        Map<String, String> stored = new HashMap<>();
        jdbc.sql("select key, value from run_params where run_id = ? and key = any(?::text[])")
                .params(runId, keys.toArray(String[]::new)).query(rs -> {
                    stored.put(rs.getString(1), rs.getString(2));
                });
        return stored;
    }

    void upsertTags(long runId, List<String> keys, List<String> values) {
        jdbc.sql("""
                insert into run_tags (run_id, key, value) select ?, k, v from unnest(?::text[], ?::text[]) as t(k, v)
                on conflict (run_id, key) do update set value = excluded.value""")
                .params(runId, keys.toArray(String[]::new), values.toArray(String[]::new)).update();
    }

    boolean deleteTag(long runId, String key) {
        return jdbc.sql("delete from run_tags where run_id = ? and key = ?").params(runId, key).update() == 1;
    }

    Map<Long, List<MlflowModel.KeyValue>> params(Collection<Long> runIds) {
        return keyValues("run_params", runIds);
    }

    Map<Long, List<MlflowModel.KeyValue>> tags(Collection<Long> runIds) {
        return keyValues("run_tags", runIds);
    }

    private Map<Long, List<MlflowModel.KeyValue>> keyValues(String table, Collection<Long> runIds) {
        Map<Long, List<MlflowModel.KeyValue>> out = new HashMap<>();
        if (runIds.isEmpty()) {
            return out;
        }
        jdbc.sql("select run_id, key, value from " + table + " where run_id in (:ids) order by run_id, key")
                .param("ids", runIds).query(rs -> {
                    out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new MlflowModel.KeyValue(rs.getString(2), rs.getString(3)));
                });
        return out;
    }

    /** A stored point: step, seconds since the run's start (the MLflow timestamp's offset), value. */
    record Point(String key, long step, Double seconds, double value) {
    }

    /** The latest point of every series of the runs. */
    Map<Long, List<Point>> latestMetrics(Collection<Long> runIds) {
        Map<Long, List<Point>> out = new HashMap<>();
        if (runIds.isEmpty()) {
            return out;
        }
        jdbc.sql("select s.run_id, s.key, l.step, l.seconds, l.value from metric_series s " + LATEST
                        + " where s.run_id in (:ids) order by s.run_id, s.key")
                .param("ids", runIds).query(rs -> {
                    out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Point(rs.getString(2), rs.getLong(3),
                            rs.getObject(4, Double.class), rs.getDouble(5)));
                });
        return out;
    }

    /** One page of a series by step, after {@code afterStep} (keyset paging: the token is the last step sent). */
    List<Point> history(long runId, String key, Long afterStep, int limit) {
        return jdbc.sql("""
                select s.key, p.step, p.seconds, p.value from metric_series s join metric_points p on p.series_id = s.id
                where s.run_id = :run and s.key = :key and (cast(:after as bigint) is null or p.step > :after)
                order by p.step limit :limit""")
                .param("run", runId).param("key", key).param("after", afterStep).param("limit", limit)
                .query((rs, n) -> new Point(rs.getString(1), rs.getLong(2), rs.getObject(3, Double.class), rs.getDouble(4)))
                .list();
    }

    // ---- search

    /** The MLflow search over tracked runs of the given projects; the caller checked those projects. */
    List<Tracked> search(Collection<Long> projectIds, String lifecycle, SearchFilter filter, List<SearchFilter.Order> orders,
            int offset, int limit) {
        if (projectIds.isEmpty()) {
            return List.of();
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("projects", projectIds);
        StringBuilder where = new StringBuilder(" where r.kind = 'TRACKED' and r.project_id in (:projects)");
        switch (lifecycle) {
            case "ACTIVE_ONLY" -> where.append(" and r.deleted_at is null");
            case "DELETED_ONLY" -> where.append(" and r.deleted_at is not null");
            default -> {
            }
        }
        for (SearchFilter.Clause c : filter.clauses()) {
            where.append(" and ").append(condition(c, params));
        }
        StringBuilder order = new StringBuilder(" order by ");
        for (SearchFilter.Order o : orders) {
            order.append(orderTerm(o, params)).append(o.ascending() ? " asc" : " desc").append(" nulls last, ");
        }
        order.append("r.started_at desc, r.mlflow_run_id");
        params.put("limit", limit);
        params.put("offset", offset);
        return jdbc.sql(SELECT + where + order + " limit :limit offset :offset").params(params).query(TRACKED).list();
    }

    private static String param(Map<String, Object> params, Object value) {
        String name = "p" + params.size();
        params.put(name, value);
        return ":" + name;
    }

    private static String condition(SearchFilter.Clause c, Map<String, Object> params) {
        return switch (c.kind()) {
            case METRIC -> {
                double value = number(c);
                yield "exists (select 1 from metric_series s " + LATEST + " where s.run_id = r.id and s.key = "
                        + param(params, c.key()) + " and l.value " + numericOp(c) + " " + param(params, value) + ")";
            }
            case PARAM -> "exists (select 1 from run_params x where x.run_id = r.id and x.key = " + param(params, c.key())
                    + " and x.value " + stringOp(c) + " " + param(params, string(c)) + ")";
            case TAG -> c.key().equals(MlflowService.RUN_NAME_TAG)
                    ? "r.name " + stringOp(c) + " " + param(params, string(c))
                    : "exists (select 1 from run_tags x where x.run_id = r.id and x.key = " + param(params, c.key())
                            + " and x.value " + stringOp(c) + " " + param(params, string(c)) + ")";
            case ATTRIBUTE -> attribute(c, params);
        };
    }

    private static String attribute(SearchFilter.Clause c, Map<String, Object> params) {
        switch (c.key()) {
            case "start_time", "end_time", "created" -> {
                String column = c.key().equals("end_time") ? "r.finished_at" : "r.started_at";
                return "(extract(epoch from " + column + ") * 1000) " + numericOp(c) + " " + param(params, number(c));
            }
            default -> {
            }
        }
        String column = switch (c.key()) {
            case "status" -> "r.status";
            case "run_name" -> "r.name";
            case "run_id" -> "r.mlflow_run_id";
            case "user_id" -> "u.name";
            default -> throw MlflowException.invalid("Invalid attribute key '" + c.key()
                    + "': searchable attributes are status, run_name, run_id, user_id, start_time, end_time");
        };
        java.util.function.UnaryOperator<String> map = c.key().equals("status")
                ? v -> MlflowStatus.parse(v).normlab.name()
                : v -> v;
        if (c.op().endsWith("IN")) {
            if (!(c.value() instanceof List<?> list)) {
                throw MlflowException.invalid("IN takes a list of strings");
            }
            List<String> values = list.stream().map(v -> map.apply((String) v)).toList();
            return column + (c.op().equals("NOT IN") ? " not in (" : " in (") + param(params, values) + ")";
        }
        if (c.key().equals("status") && (c.op().equals("LIKE") || c.op().equals("ILIKE"))) {
            throw MlflowException.invalid("attributes.status takes = != IN, not " + c.op());
        }
        return column + " " + stringOp(c) + " " + param(params, map.apply(string(c)));
    }

    private static String orderTerm(SearchFilter.Order o, Map<String, Object> params) {
        return switch (o.kind()) {
            case METRIC -> "(select l.value from metric_series s " + LATEST + " where s.run_id = r.id and s.key = "
                    + param(params, o.key()) + ")";
            case PARAM -> "(select x.value from run_params x where x.run_id = r.id and x.key = " + param(params, o.key()) + ")";
            case TAG -> "(select x.value from run_tags x where x.run_id = r.id and x.key = " + param(params, o.key()) + ")";
            case ATTRIBUTE -> switch (o.key()) {
                case "start_time", "created" -> "r.started_at";
                case "end_time" -> "r.finished_at";
                case "run_name" -> "r.name";
                case "status" -> "r.status";
                case "run_id" -> "r.mlflow_run_id";
                case "user_id" -> "u.name";
                default -> throw MlflowException.invalid("Invalid order_by key 'attributes." + o.key() + "'");
            };
        };
    }

    private static String numericOp(SearchFilter.Clause c) {
        return switch (c.op()) {
            case "=", "!=", "<", "<=", ">", ">=" -> c.op().equals("!=") ? "<>" : c.op();
            default -> throw MlflowException.invalid("Invalid comparator '" + c.op() + "' for " + c.kind().name().toLowerCase()
                    + " '" + c.key() + "': use = != < <= > >=");
        };
    }

    private static String stringOp(SearchFilter.Clause c) {
        return switch (c.op()) {
            case "=" -> "=";
            case "!=" -> "<>";
            case "LIKE" -> "like";
            case "ILIKE" -> "ilike";
            default -> throw MlflowException.invalid("Invalid comparator '" + c.op() + "' for " + c.kind().name().toLowerCase()
                    + " '" + c.key() + "': use = != LIKE ILIKE");
        };
    }

    private static double number(SearchFilter.Clause c) {
        if (c.value() instanceof Double d) {
            return d;
        }
        if (c.value() instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                // below
            }
        }
        throw MlflowException.invalid("'" + c.key() + "' is compared with a number, not " + c.value());
    }

    private static String string(SearchFilter.Clause c) {
        if (c.value() instanceof String s) {
            return s;
        }
        throw MlflowException.invalid(c.kind().name().toLowerCase() + " '" + c.key() + "' is compared with a quoted string, not "
                + c.value());
    }
}
