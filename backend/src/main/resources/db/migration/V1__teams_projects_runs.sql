-- Core schema: who may see what (teams, users, projects, tokens) and the runs with their queue state.
-- Metric tables come in V2__metrics.sql.

create table teams (
    id          bigserial primary key,
    name        text not null unique,
    -- fairness: virtual time of the team's latest queued run; a submit stamps max(team vtime, global min) + 1
    vtime       double precision not null default 0,
    created_at  timestamptz not null default now()
);

create table users (
    id          bigserial primary key,
    name        text not null unique,
    created_at  timestamptz not null default now()
);

create table team_members (
    team_id     bigint not null references teams (id) on delete cascade,
    user_id     bigint not null references users (id) on delete cascade,
    primary key (team_id, user_id)
);

create table projects (
    id          bigserial primary key,
    team_id     bigint not null references teams (id) on delete cascade,
    name        text not null,
    created_at  timestamptz not null default now(),
    unique (team_id, name)
);

-- Bearer tokens, stored as SHA-256 hex of the secret. USER tokens belong to a user; WORKER tokens only
-- reach /api/v1/worker/**.
create table api_tokens (
    id           bigserial primary key,
    token_hash   text not null unique,
    kind         text not null check (kind in ('USER', 'WORKER')),
    user_id      bigint references users (id) on delete cascade,
    name         text not null,
    created_at   timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    check ((kind = 'USER') = (user_id is not null))
);

create table runs (
    id                    bigserial primary key,
    project_id            bigint not null references projects (id),
    name                  text not null,
    tags                  text[] not null default '{}',
    notes                 text,
    spec                  jsonb not null,
    -- denormalized from spec for filtering and claiming
    optimizer             text not null,
    model                 text not null,
    device                text not null check (device in ('cpu', 'gpu', 'any')),
    required_memory_bytes bigint not null,
    status                text not null check (status in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    priority              integer not null default 0,
    vtime                 double precision not null,
    attempt               integer not null default 0,
    infra_failures        integer not null default 0,
    code_failures         integer not null default 0,
    not_before            timestamptz,
    worker_name           text,
    lease_until           timestamptz,
    cancel_requested      boolean not null default false,
    checkpoint_step       bigint,
    checkpoint_location   text,
    error                 text,
    summary               jsonb,
    final_loss            double precision,
    created_by            bigint references users (id),
    created_at            timestamptz not null default now(),
    started_at            timestamptz,
    finished_at           timestamptz,
    updated_at            timestamptz not null default now()
);

-- The claim query walks this partial index: ORDER BY priority DESC, vtime, id among QUEUED runs only.
create index runs_queue_idx on runs (priority desc, vtime, id) where status = 'QUEUED';
create index runs_lease_idx on runs (lease_until) where status = 'RUNNING';
create index runs_project_created_idx on runs (project_id, created_at desc);
create index runs_tags_idx on runs using gin (tags);
