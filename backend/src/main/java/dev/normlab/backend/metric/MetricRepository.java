package dev.normlab.backend.metric;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The metric store's SQL: series, points and their min/max blocks. */
@Repository
class MetricRepository {

    /** Advisory-lock class of the metric store; the object id is the run id. */
    private static final int RUN_METRICS_LOCK = 0x4d455452;

    private final JdbcClient jdbc;

    MetricRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Serializes writers of one run until commit: a block is recomputed from what the transaction sees, so two
     * concurrent batches of the same run (a retry racing its original) must not interleave.
     */
    void lockRun(long runId) {
        jdbc.sql("select pg_advisory_xact_lock(?, ?)").params(RUN_METRICS_LOCK, (int) runId).query(Object.class).single();
    }

    /**
     * Ids of the run's series for these keys, creating the missing ones, in one round trip. The second SELECT
     * cannot see rows the CTE inserts (same snapshot), hence the UNION; a series created by a concurrent
     * transaction cannot be missed because writers of one run hold {@link #lockRun}.
     */
    Map<String, Long> seriesIds(long runId, String[] keys) {
        Map<String, Long> ids = new HashMap<>();
        jdbc.sql("""
                with wanted as (select unnest(?) as key),
                     created as (insert into metric_series (run_id, key) select ?, key from wanted
                                 on conflict do nothing returning key, id)
                select key, id from created
                union all
                select s.key, s.id from metric_series s join wanted w on w.key = s.key where s.run_id = ?""")
                .params(PgArrays.texts(keys), runId, runId)
                .query(rs -> {
                    ids.put(rs.getString(1), rs.getLong(2));
                });
        return ids;
    }

    /**
     * Inserts or replaces points; an unchanged re-sent point writes nothing. Primitive arrays travel in pgjdbc's
     * binary array format (no text formatting and parsing of 1000 doubles).
     */
    void upsertPoints(long[] series, long[] steps, Long[] tokens, Double[] seconds, double[] values) {
        jdbc.sql("""
                insert into metric_points (series_id, step, tokens, seconds, value)
                select * from unnest(?::int8[], ?::int8[], ?::int8[], ?::float8[], ?::float8[])
                on conflict (series_id, step) do update
                    set tokens = excluded.tokens, seconds = excluded.seconds, value = excluded.value
                    where (metric_points.tokens, metric_points.seconds, metric_points.value)
                          is distinct from (excluded.tokens, excluded.seconds, excluded.value)""")
                .params(series, steps, PgArrays.bigints(tokens), PgArrays.doubles(seconds), values)
                .update();
    }

    /** Writes level-1 blocks computed by the caller (blocks whose every step was in the batch). */
    void upsertFinestBlocks(List<MetricBlocks.Block> blocks) {
        int n = blocks.size();
        long[] series = new long[n];
        long[] block = new long[n];
        int[] count = new int[n];
        double[] min = new double[n];
        double[] max = new double[n];
        long[] firstStep = new long[n];
        Long[] firstTokens = new Long[n];
        Double[] firstSeconds = new Double[n];
        long[] lastStep = new long[n];
        Long[] lastTokens = new Long[n];
        Double[] lastSeconds = new Double[n];
        double[] lastValue = new double[n];
        for (int i = 0; i < n; i++) {
            MetricBlocks.Block b = blocks.get(i);
            series[i] = b.seriesId();
            block[i] = b.block();
            count[i] = b.count();
            min[i] = b.min();
            max[i] = b.max();
            firstStep[i] = b.firstStep();
            firstTokens[i] = b.firstTokens();
            firstSeconds[i] = b.firstSeconds();
            lastStep[i] = b.lastStep();
            lastTokens[i] = b.lastTokens();
            lastSeconds[i] = b.lastSeconds();
            lastValue[i] = b.lastValue();
        }
        jdbc.sql("""
                insert into metric_blocks (series_id, level, block, point_count, min_value, max_value,
                                           first_step, first_tokens, first_seconds,
                                           last_step, last_tokens, last_seconds, last_value)
                select s, 1, b, c, mn, mx, fs, ft, fsec, ls, lt, lsec, lv
                from unnest(?::int8[], ?::int8[], ?::int4[], ?::float8[], ?::float8[], ?::int8[], ?::int8[], ?::float8[],
                            ?::int8[], ?::int8[], ?::float8[], ?::float8[])
                     as t(s, b, c, mn, mx, fs, ft, fsec, ls, lt, lsec, lv)
                """ + ON_CONFLICT)
                .params(series, block, count, min, max, firstStep, PgArrays.bigints(firstTokens), PgArrays.doubles(firstSeconds),
                        lastStep, PgArrays.bigints(lastTokens), PgArrays.doubles(lastSeconds), lastValue)
                .update();
    }

    /**
     * Recomputes the given level-1 blocks from their points. LATERAL makes it one index range scan per block:
     * a plain join lets the planner hash-join the whole series, which grows with every batch.
     */
    void refreshFinestBlocks(long[] series, long[] blocks) {
        jdbc.sql("""
                insert into metric_blocks (series_id, level, block, point_count, min_value, max_value,
                                           first_step, first_tokens, first_seconds,
                                           last_step, last_tokens, last_seconds, last_value)
                select t.series_id, 1, t.block, a.n, a.min_value, a.max_value, a.first_step, a.first_tokens, a.first_seconds,
                       a.last_step, a.last_tokens, a.last_seconds, a.last_value
                from unnest(?::int8[], ?::int8[]) as t(series_id, block)
                cross join lateral (
                    select count(*) as n, min(p.value) as min_value, max(p.value) as max_value,
                           min(p.step) as first_step, (array_agg(p.tokens order by p.step))[1] as first_tokens,
                           (array_agg(p.seconds order by p.step))[1] as first_seconds,
                           max(p.step) as last_step, (array_agg(p.tokens order by p.step desc))[1] as last_tokens,
                           (array_agg(p.seconds order by p.step desc))[1] as last_seconds,
                           (array_agg(p.value order by p.step desc))[1] as last_value
                    from metric_points p
                    where p.series_id = t.series_id and p.step >= t.block * :size and p.step < (t.block + 1) * :size) a
                where a.n > 0
                """.replace(":size", Long.toString(BlockLevels.size(1))) + ON_CONFLICT)
                .params(series, blocks)
                .update();
    }

    /** Recomputes the given blocks of {@code level} (≥ 2) from their children one level down. */
    void refreshBlocks(int level, long[] series, long[] blocks) {
        jdbc.sql(upperBlocks(level, level - 1)).params(series, blocks).update();
    }

    /**
     * Recomputes level-2 and level-3 blocks, both from level 1, in one statement (one round trip per batch
     * less; neither insert needs the other's rows).
     */
    void refreshUpperBlocksFromFinest(long[] series2, long[] blocks2, long[] series3, long[] blocks3) {
        jdbc.sql("with l2 as (" + upperBlocks(2, 1) + " returning 1), l3 as (" + upperBlocks(3, 1) + " returning 1) "
                        + "select (select count(*) from l2) + (select count(*) from l3)")
                .params(series2, blocks2, series3, blocks3).query(Long.class).single();
    }

    /** Upsert of the given blocks of {@code level} from their {@code childLevel} children; parameters (series[], blocks[]). */
    private static String upperBlocks(int level, int childLevel) {
        return """
                insert into metric_blocks (series_id, level, block, point_count, min_value, max_value,
                                           first_step, first_tokens, first_seconds,
                                           last_step, last_tokens, last_seconds, last_value)
                select t.series_id, :level, t.block, a.n, a.min_value, a.max_value, a.first_step, a.first_tokens,
                       a.first_seconds, a.last_step, a.last_tokens, a.last_seconds, a.last_value
                from unnest(?::int8[], ?::int8[]) as t(series_id, block)
                cross join lateral (
                    select sum(c.point_count) as n, min(c.min_value) as min_value, max(c.max_value) as max_value,
                           min(c.first_step) as first_step, (array_agg(c.first_tokens order by c.block))[1] as first_tokens,
                           (array_agg(c.first_seconds order by c.block))[1] as first_seconds,
                           max(c.last_step) as last_step, (array_agg(c.last_tokens order by c.block desc))[1] as last_tokens,
                           (array_agg(c.last_seconds order by c.block desc))[1] as last_seconds,
                           (array_agg(c.last_value order by c.block desc))[1] as last_value
                    from metric_blocks c
                    where c.series_id = t.series_id and c.level = :child
                      and c.block >= t.block * :fanout and c.block < (t.block + 1) * :fanout) a
                where a.n > 0
                """.replace(":level", Integer.toString(level)).replace(":child", Integer.toString(childLevel))
                .replace(":fanout", Long.toString(BlockLevels.size(level - childLevel))) + ON_CONFLICT;
    }

    private static final String ON_CONFLICT = """
             on conflict (series_id, level, block) do update set
                point_count = excluded.point_count, min_value = excluded.min_value, max_value = excluded.max_value,
                first_step = excluded.first_step, first_tokens = excluded.first_tokens,
                first_seconds = excluded.first_seconds, last_step = excluded.last_step,
                last_tokens = excluded.last_tokens, last_seconds = excluded.last_seconds, last_value = excluded.last_value""";

    List<Long> seriesOfRun(long runId) {
        return jdbc.sql("select id from metric_series where run_id = ? order by id").param(runId).query(Long.class).list();
    }

    /** Drops every series of the run (points and blocks go with them). */
    void deleteRunSeries(long runId) {
        jdbc.sql("delete from metric_series where run_id = ?").param(runId).update();
    }

    void deletePointsAfter(long runId, long step) {
        jdbc.sql("delete from metric_points p using metric_series s where s.id = p.series_id and s.run_id = ? and p.step > ?")
                .params(runId, step).update();
    }

    /** Deletes the run's blocks of {@code level} from block {@code fromBlock} on. */
    void deleteBlocksFrom(long runId, int level, long fromBlock) {
        jdbc.sql("""
                delete from metric_blocks b using metric_series s
                where s.id = b.series_id and s.run_id = ? and b.level = ? and b.block >= ?""")
                .params(runId, level, fromBlock).update();
    }

    // ---- queries

    record SeriesRef(long id, long runId, String key) {
    }

    List<SeriesRef> series(long runId, List<String> keys) {
        if (keys.isEmpty()) {
            return jdbc.sql("select id, run_id, key from metric_series where run_id = ? order by key")
                    .param(runId).query(SeriesRef.class).list();
        }
        return jdbc.sql("select id, run_id, key from metric_series where run_id = ? and key = any(?) order by key")
                .params(runId, PgArrays.texts(keys.toArray(String[]::new))).query(SeriesRef.class).list();
    }

    record XRange(double from, double to) {
    }

    /** First and last x of a series, from its coarsest blocks (a few hundred rows for 1M points). */
    Optional<XRange> xRange(long seriesId, XAxis x) {
        return jdbc.sql("select min(first_" + x.column() + ") as lo, max(last_" + x.column() + ") as hi from metric_blocks "
                        + "where series_id = ? and level = " + BlockLevels.COARSEST)
                .param(seriesId)
                .query((rs, n) -> {
                    double lo = rs.getDouble("lo");
                    boolean empty = rs.wasNull();
                    double hi = rs.getDouble("hi");
                    return empty || rs.wasNull() ? null : new XRange(lo, hi);
                })
                .optional();
    }

    /** The first step whose x is ≥ {@code x}: the coarsest blocks narrow it to one block, the index does the rest. */
    Optional<Long> firstStepFrom(long seriesId, XAxis x, double value) {
        String col = x.column();
        return Optional.ofNullable(jdbc.sql("""
                select min(p.step) from metric_points p
                where p.series_id = :s and p.%1$s >= :x
                  and p.step >= (select min(b.block) * :size from metric_blocks b
                                 where b.series_id = :s and b.level = :level and b.last_%1$s >= :x)""".formatted(col))
                .param("s", seriesId).param("x", value).param("size", BlockLevels.size(BlockLevels.COARSEST))
                .param("level", BlockLevels.COARSEST)
                .query(Long.class).single());
    }

    /** The last step whose x is ≤ {@code x}. */
    Optional<Long> lastStepUpTo(long seriesId, XAxis x, double value) {
        String col = x.column();
        return Optional.ofNullable(jdbc.sql("""
                select max(p.step) from metric_points p
                where p.series_id = :s and p.%1$s <= :x
                  and p.step < (select (max(b.block) + 1) * :size from metric_blocks b
                                where b.series_id = :s and b.level = :level and b.first_%1$s <= :x)""".formatted(col))
                .param("s", seriesId).param("x", value).param("size", BlockLevels.size(BlockLevels.COARSEST))
                .param("level", BlockLevels.COARSEST)
                .query(Long.class).single());
    }

    private static final org.springframework.jdbc.core.RowMapper<StoredPoint> STORED_POINT = (rs, n) -> new StoredPoint(
            rs.getLong(1), rs.getObject(2, Long.class), rs.getObject(3, Double.class), rs.getDouble(4));

    /** Points with step in [lo, hi] (and an x value), by step, at most {@code limit}. */
    List<StoredPoint> points(long seriesId, XAxis x, long lo, long hi, int limit) {
        return jdbc.sql("select step, tokens, seconds, value from metric_points where series_id = ? and step between ? and ?"
                        + " and " + x.column() + " is not null order by step limit ?")
                .params(seriesId, lo, hi, limit).query(STORED_POINT).list();
    }

    /** How many points (with an x value) have step in [lo, hi], counting no further than {@code limit}. */
    long countPoints(long seriesId, XAxis x, long lo, long hi, long limit) {
        return jdbc.sql("select count(*) from (select 1 from metric_points where series_id = ? and step between ? and ?"
                        + " and " + x.column() + " is not null limit ?) t")
                .params(seriesId, lo, hi, limit).query(Long.class).single();
    }

    /**
     * Buckets of the points with step in [lo, hi], aggregated in the database: from the level-{@code level} blocks
     * inside the range plus the raw points of the partial blocks at both ends (fewer than 2·16^level, so no
     * point outside the range leaks in), or from raw points alone at level 0. A block counts in the bucket of
     * its last point; each bucket keeps count, min, max and its last point.
     */
    List<SeriesPoint> buckets(long seriesId, XAxis x, int level, long lo, long hi, BucketGrid grid) {
        long size = BlockLevels.size(level);
        long firstBlock = -Math.floorDiv(-lo, size);
        long lastBlock = Math.floorDiv(hi + 1, size) - 1;
        String col = x.column();
        String units;
        if (level == 0 || firstBlock > lastBlock) {
            units = "select %1$s as x, step, value, value as mn, value as mx, 1 as n from metric_points "
                    + "where series_id = :s and step between :lo and :hi and %1$s is not null";
        } else {
            units = """
                    select last_%1$s as x, last_step as step, last_value as value, min_value as mn, max_value as mx,
                           point_count as n
                    from metric_blocks
                    where series_id = :s and level = :level and block between :firstBlock and :lastBlock and last_%1$s is not null
                    union all
                    select %1$s, step, value, value, value, 1 from metric_points
                    where series_id = :s and %1$s is not null
                      and ((step >= :lo and step < :firstStep) or (step > :lastStep and step <= :hi))""";
        }
        double width = grid.width() > 0 ? grid.width() : Double.POSITIVE_INFINITY;
        return jdbc.sql(("""
                select b, sum(n) as n, min(mn) as mn, max(mx) as mx, max(step) as step,
                       (array_agg(x order by step desc))[1] as x, (array_agg(value order by step desc))[1] as value
                from (select u.*, least(:lastBucket, greatest(0, floor((u.x - :gridFrom) / :width)))::int as b
                      from (""" + units + """
                      ) u) t
                group by b order by b""").formatted(col))
                .param("s", seriesId).param("level", level).param("firstBlock", firstBlock).param("lastBlock", lastBlock)
                .param("lo", lo).param("hi", hi).param("firstStep", firstBlock * size)
                .param("lastStep", (lastBlock + 1) * size - 1)
                .param("lastBucket", grid.count() - 1).param("gridFrom", grid.from()).param("width", width)
                .query((rs, n) -> new SeriesPoint(rs.getDouble("x"), rs.getLong("step"), rs.getDouble("value"),
                        rs.getDouble("mn"), rs.getDouble("mx"), rs.getLong("n"), rs.getInt("b")))
                .list();
    }

    /** Points of any key of the run with step in [fromStep, toStep] (live views re-read an ingested batch). */
    List<RunPoint> runPoints(long runId, long fromStep, long toStep, int limit) {
        return jdbc.sql("""
                select s.key, p.step, p.tokens, p.seconds, p.value
                from metric_series s join metric_points p on p.series_id = s.id
                where s.run_id = ? and p.step between ? and ?
                order by p.step, s.key limit ?""")
                .params(runId, fromStep, toStep, limit).query(RunPoint.class).list();
    }
}
