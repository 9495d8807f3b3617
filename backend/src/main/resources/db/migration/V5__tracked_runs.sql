-- Tracked runs (issue 11): runs logged from elsewhere through the MLflow-compatible API share the runs table,
-- the metric store, compare and the event streams with the runs NormLab trains. They have no spec and never
-- enter the queue (they are created RUNNING and never QUEUED, so the claim's partial index never sees them).

alter table runs
    add column kind text not null default 'TRAINED' check (kind in ('TRAINED', 'TRACKED')),
    -- MLflow's run id: 32 lowercase hex characters
    add column mlflow_run_id text unique check (mlflow_run_id ~ '^[0-9a-f]{32}$'),
    -- the last time an MLflow client logged anything: a RUNNING tracked run silent for normlab.mlflow.lost-after is lost
    add column last_logged_at timestamptz,
    -- set when the lost-run check failed it; logging again revives it
    add column lost_at timestamptz,
    -- MLflow's lifecycle_stage 'deleted' (runs/delete is a soft delete, runs/restore undoes it)
    add column deleted_at timestamptz;

alter table runs
    alter column spec drop not null,
    alter column optimizer drop not null,
    alter column model drop not null,
    alter column device drop not null,
    alter column required_memory_bytes drop not null,
    add constraint runs_kind_shape check (
        (kind = 'TRAINED' and spec is not null and optimizer is not null and model is not null and device is not null
             and required_memory_bytes is not null and mlflow_run_id is null)
        or (kind = 'TRACKED' and spec is null and mlflow_run_id is not null and status <> 'QUEUED'));

create index runs_tracked_running_idx on runs (coalesce(last_logged_at, started_at)) where kind = 'TRACKED' and status = 'RUNNING';

-- MLflow params are write-once (the same value again is accepted), tags last-write-wins.
create table run_params (
    run_id  bigint not null references runs (id) on delete cascade,
    key     text not null,
    value   text not null,
    primary key (run_id, key)
);

create table run_tags (
    run_id  bigint not null references runs (id) on delete cascade,
    key     text not null,
    value   text not null,
    primary key (run_id, key)
);
