-- Metric store: one series per (run, key), one point per (series, step), and precomputed min/max blocks
-- so a downsampled history of a 1M-point series reads a few thousand block rows instead of 1M points.

create table metric_series (
    id      bigserial primary key,
    run_id  bigint not null references runs (id) on delete cascade,
    key     text not null,
    unique (run_id, key)
);

-- (series, step) is unique: a re-sent batch overwrites instead of adding (ON CONFLICT DO UPDATE).
create table metric_points (
    series_id  bigint not null references metric_series (id) on delete cascade,
    step       bigint not null,
    tokens     bigint,
    seconds    double precision,
    value      double precision not null,
    primary key (series_id, step)
);

-- Aggregates of the points of one series with step in [block * 16^level, (block + 1) * 16^level), level 1..3
-- (16, 256, 4096 steps). Level 1 is recomputed from points, level k from level k-1, in the ingest transaction.
-- first_* / last_* are the x values (step, tokens, seconds) of the block's first and last point, so the query can
-- place a block on any x axis; last_value is the value of the last point (a bucket's "last").
create table metric_blocks (
    series_id     bigint not null references metric_series (id) on delete cascade,
    level         smallint not null check (level between 1 and 3),
    block         bigint not null,
    point_count   integer not null,
    min_value     double precision not null,
    max_value     double precision not null,
    first_step    bigint not null,
    first_tokens  bigint,
    first_seconds double precision,
    last_step     bigint not null,
    last_tokens   bigint,
    last_seconds  double precision,
    last_value    double precision not null,
    primary key (series_id, level, block)
);
