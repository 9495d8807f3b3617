-- Ghost claims (issue 10): a claim holds the run only for normlab.queue.claim-confirm until the worker's first
-- heartbeat confirms it. An unconfirmed claim that expires goes back to the queue without spending a retry.
alter table runs add column claim_confirmed boolean not null default true;
