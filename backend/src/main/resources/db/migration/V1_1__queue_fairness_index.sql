-- The submit stamps a team's virtual time from the queue's clock, min(vtime) over queued runs: keep it an index lookup.
create index runs_queued_vtime_idx on runs (vtime) where status = 'QUEUED';
