-- Accounts (issue 13): passwords and the platform admin flag, a role per membership, archived projects,
-- team-scoped worker tokens, the workers seen by the queue, and each run's history.

alter table users
    add column password_hash text,
    add column admin         boolean not null default false,
    add column disabled_at   timestamptz;
-- the bootstrap's user of earlier versions is the platform admin
update users set admin = true where name = 'admin';

-- owner: members, projects, the team's worker tokens; member: submit and change runs; viewer: read only.
-- Members of earlier versions could do everything, so they become owners.
alter table team_members add column role text not null default 'MEMBER' check (role in ('OWNER', 'MEMBER', 'VIEWER'));
update team_members set role = 'OWNER';

alter table projects add column archived_at timestamptz;

-- A WORKER token belongs to one team (its agents claim only that team's runs) or, with team_id null, to the
-- platform (created by the admin; claims any team's runs). USER tokens never have a team.
alter table api_tokens
    add column team_id    bigint references teams (id) on delete cascade,
    add column created_by bigint references users (id) on delete set null,
    add constraint api_tokens_team_only_for_workers check (kind = 'WORKER' or team_id is null);

-- the worker token that holds the run: every worker call must come with it
alter table runs add column worker_token_id bigint references api_tokens (id) on delete set null;

-- Workers as the queue sees them (claims and heartbeats), for the queue and workers page.
create table workers (
    token_id            bigint not null references api_tokens (id) on delete cascade,
    name                text not null,
    team_id             bigint references teams (id) on delete cascade,
    device_kind         text not null,
    device_memory_bytes bigint not null,
    engine              jsonb,
    current_run_id      bigint,
    last_seen_at        timestamptz not null default now(),
    primary key (token_id, name)
);
create index workers_last_seen_idx on workers (last_seen_at desc);

-- Each run's life, one row per event. No foreign key to runs: a deleted run keeps its audit rows.
create table run_events (
    id         bigserial primary key,
    run_id     bigint not null,
    team_id    bigint not null,
    at         timestamptz not null default clock_timestamp(),
    event      text not null,
    actor_kind text not null check (actor_kind in ('USER', 'WORKER', 'SYSTEM')),
    actor_name text not null,
    detail     text
);
create index run_events_run_idx on run_events (run_id, id);
