package dev.normlab.backend.queue;

import dev.normlab.backend.run.RunStatus;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The queue's SQL. Each state change is one statement guarded by the expected state and, for worker calls,
 * by the attempt (the fencing token): a stale attempt matches no row and changes nothing.
 */
@Repository
class QueueRepository {

    /**
     * A lost attempt charged to the infrastructure budget (lease expired, the worker's own resources failed): back
     * to QUEUED after the back-off, FAILED once the budget is spent, CANCELLED when a cancel was pending. Takes
     * {@code :retries}, {@code :baseMs} and {@code :maxMs}.
     */
    private static final String INFRA_REQUEUE = """

                    infra_failures = infra_failures + 1,
                    status = case when cancel_requested then 'CANCELLED'
                                  when infra_failures >= :retries then 'FAILED' else 'QUEUED' end,
                    not_before = case when not cancel_requested and infra_failures < :retries
                                      then now() + least(:baseMs * power(2, infra_failures), :maxMs) * interval '1 millisecond' end,
                    finished_at = case when cancel_requested or infra_failures >= :retries then now() end,""";

    private final JdbcClient jdbc;
    private final QueueProperties properties;

    QueueRepository(JdbcClient jdbc, QueueProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    record Claimed(long id, int attempt, String spec, Long checkpointStep, String checkpointLocation) {
    }

    /**
     * Claims the next eligible run in one statement: highest priority, then lowest team virtual time, then
     * oldest; SKIP LOCKED lets concurrent claimers pass each other instead of queueing on the same row.
     */
    Optional<Claimed> claim(Worker worker, String deviceKind, long deviceMemoryBytes) {
        return jdbc.sql("""
                with next as (
                    select id from runs
                    where status = 'QUEUED' and (not_before is null or not_before <= now())
                      and device in ('any', :device) and required_memory_bytes <= :memory
                      and (cast(:team as bigint) is null
                           or project_id in (select id from projects where team_id = cast(:team as bigint)))
                    order by priority desc, vtime, id
                    limit 1
                    for update skip locked)
                update runs r set status = 'RUNNING', attempt = r.attempt + 1, worker_name = :worker,
                                  worker_token_id = :token, claim_confirmed = false,
                                  lease_until = now() + :confirmMs * interval '1 millisecond',
                                  started_at = coalesce(r.started_at, now()), cancel_requested = false,
                                  not_before = null, updated_at = now()
                from next where r.id = next.id
                returning r.id, r.attempt, r.spec, r.checkpoint_step, r.checkpoint_location""")
                .param("device", deviceKind).param("memory", deviceMemoryBytes).param("worker", worker.name())
                .param("token", worker.tokenId()).param("team", worker.teamId())
                .param("confirmMs", Math.min(properties.claimConfirm().toMillis(), properties.lease().toMillis()))
                .query(Claimed.class).optional();
    }

    /** Extends the lease; empty when the attempt no longer holds the run. */
    Optional<Boolean> heartbeat(long runId, int attempt, long token) {
        return jdbc.sql("""
                update runs set lease_until = now() + :leaseMs * interval '1 millisecond', claim_confirmed = true,
                                updated_at = now()
                where id = :id and attempt = :attempt and status = 'RUNNING' and worker_token_id = :token
                returning cancel_requested""")
                .param("id", runId).param("attempt", attempt).param("token", token).param("leaseMs", properties.lease().toMillis())
                .query(Boolean.class).optional();
    }

    /** True while {@code attempt} holds the run; locks the row (FOR SHARE) until the caller's transaction ends. */
    boolean holdsLease(long runId, int attempt, long tokenId) {
        return jdbc.sql("select 1 from runs where id = ? and attempt = ? and status = 'RUNNING' and worker_token_id = ? for share")
                .params(runId, attempt, tokenId).query(Integer.class).optional().isPresent();
    }

    Optional<String> workerName(long runId) {
        return jdbc.sql("select worker_name from runs where id = ?").param(runId).query(String.class).optional();
    }

    /** The team of a run, for deciding whether a worker token may touch it at all. */
    Optional<Long> teamOf(long runId) {
        return jdbc.sql("select p.team_id from runs r join projects p on p.id = r.project_id where r.id = ?")
                .param(runId).query(Long.class).optional();
    }

    /** RUNNING → SUCCEEDED or CANCELLED. */
    boolean finish(long runId, int attempt, long token, RunStatus status, String error, String summaryJson, Double finalLoss) {
        return jdbc.sql("""
                update runs set status = :status, error = :error, summary = cast(:summary as jsonb),
                                final_loss = :finalLoss, finished_at = now(), lease_until = null, updated_at = now()
                where id = :id and attempt = :attempt and status = 'RUNNING' and worker_token_id = :token""")
                .param("id", runId).param("attempt", attempt).param("token", token).param("status", status.name()).param("error", error)
                .param("summary", summaryJson).param("finalLoss", finalLoss)
                .update() == 1;
    }

    /**
     * RUNNING → QUEUED (with backoff, within the code-failure budget) or FAILED: retryable failures are CODE
     * failures of a run nobody asked to cancel. Returns the new status, empty when the attempt lost its lease.
     */
    Optional<RunStatus> fail(long runId, int attempt, long token, boolean retryable, String error, String summaryJson, Double finalLoss) {
        return jdbc.sql("""
                update runs set
                    code_failures = code_failures + case when :retryable then 1 else 0 end,
                    status = case when :retryable and not cancel_requested and code_failures < :retries
                                  then 'QUEUED' else 'FAILED' end,
                    not_before = case when :retryable and not cancel_requested and code_failures < :retries
                                      then now() + least(:baseMs * power(2, code_failures), :maxMs) * interval '1 millisecond' end,
                    finished_at = case when :retryable and not cancel_requested and code_failures < :retries
                                       then null else now() end,
                    error = :error, summary = cast(:summary as jsonb), final_loss = :finalLoss,
                    lease_until = null, updated_at = now()
                where id = :id and attempt = :attempt and status = 'RUNNING' and worker_token_id = :token
                returning status""")
                .param("id", runId).param("attempt", attempt).param("token", token).param("retryable", retryable)
                .param("retries", properties.codeRetries()).param("baseMs", properties.backoffBase().toMillis())
                .param("maxMs", properties.backoffMax().toMillis()).param("error", error)
                .param("summary", summaryJson).param("finalLoss", finalLoss)
                .query(RunStatus.class).optional();
    }

    /**
     * RUNNING → QUEUED with the infrastructure back-off, or FAILED once that budget is spent: the worker's own
     * resources failed (e.g. its disk), as if it had lost the lease.
     */
    Optional<RunStatus> failOnWorker(long runId, int attempt, long token, String error) {
        return jdbc.sql("update runs set" + INFRA_REQUEUE + """
                    error = :error, lease_until = null, updated_at = now()
                where id = :id and attempt = :attempt and status = 'RUNNING' and worker_token_id = :token
                returning status""")
                .param("id", runId).param("attempt", attempt).param("token", token).param("error", error)
                .param("retries", properties.infraRetries()).param("baseMs", properties.backoffBase().toMillis())
                .param("maxMs", properties.backoffMax().toMillis())
                .query(RunStatus.class).optional();
    }

    /** A worker shutting down hands the run back (no retry spent); a run with a pending cancel ends CANCELLED. */
    Optional<RunStatus> release(long runId, int attempt, long token, String reason) {
        return jdbc.sql("""
                update runs set status = case when cancel_requested then 'CANCELLED' else 'QUEUED' end,
                                finished_at = case when cancel_requested then now() end,
                                error = :reason, lease_until = null, not_before = null, updated_at = now()
                where id = :id and attempt = :attempt and status = 'RUNNING' and worker_token_id = :token
                returning status""")
                .param("id", runId).param("attempt", attempt).param("token", token).param("reason", reason)
                .query(RunStatus.class).optional();
    }

    /** Records the newest checkpoint (an older step reported late never replaces a newer one). */
    boolean checkpoint(long runId, int attempt, long token, long step, String location) {
        return jdbc.sql("""
                update runs set
                    checkpoint_location = case when checkpoint_step is null or :step >= checkpoint_step
                                               then :location else checkpoint_location end,
                    checkpoint_step = greatest(coalesce(checkpoint_step, :step), :step), updated_at = now()
                where id = :id and attempt = :attempt and status = 'RUNNING' and worker_token_id = :token""")
                .param("id", runId).param("attempt", attempt).param("token", token).param("step", step).param("location", location)
                .update() == 1;
    }

    record Reaped(long id, RunStatus status, int attempt) {
    }

    /**
     * Every RUNNING run whose lease expired: back to QUEUED with backoff, or FAILED once the infrastructure
     * budget is spent (CANCELLED if a cancel was pending). Records why on the run.
     */
    /**
     * RUNNING runs whose claim was never confirmed by a heartbeat in time: back to QUEUED at once, no retry spent
     * (the worker was gone when its long poll was answered).
     */
    List<Reaped> reapUnconfirmed() {
        return jdbc.sql("""
                update runs set status = 'QUEUED', not_before = null, lease_until = null, updated_at = now(),
                    error = 'attempt ' || attempt || ' on worker ' || coalesce(worker_name, '?')
                            || ' never confirmed its claim; back in the queue without spending a retry'
                where status = 'RUNNING' and not claim_confirmed and lease_until < now()
                returning id, status, attempt""")
                .query(Reaped.class).list();
    }

    /** Hands a claim back that could not be delivered (the waiting request was gone): no retry spent. */
    boolean unclaim(long runId, int attempt) {
        return jdbc.sql("""
                update runs set status = 'QUEUED', not_before = null, lease_until = null, updated_at = now()
                where id = ? and attempt = ? and status = 'RUNNING' and not claim_confirmed""")
                .params(runId, attempt).update() == 1;
    }

    List<Reaped> reapExpired() {
        return jdbc.sql("update runs set" + INFRA_REQUEUE + """
                    error = 'lease of attempt ' || attempt || ' on worker ' || coalesce(worker_name, '?')
                            || ' expired at ' || to_char(lease_until at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                            || case when not cancel_requested and infra_failures >= :retries
                                    then '; gave up after ' || (infra_failures + 1) || ' lost attempts' else '' end,
                    lease_until = null, updated_at = now()
                where status = 'RUNNING' and claim_confirmed and lease_until < now()
                returning id, status, attempt""")
                .param("retries", properties.infraRetries()).param("baseMs", properties.backoffBase().toMillis())
                .param("maxMs", properties.backoffMax().toMillis())
                .query(Reaped.class).list();
    }

    /**
     * Gives every confirmed RUNNING run at least one full lease from now: called once when a backend starts, so
     * that leases which ran out while no backend answered (the workers' heartbeats could not get through) are not
     * counted against the workers.
     */
    int renewLeases() {
        return jdbc.sql("""
                update runs set lease_until = greatest(lease_until, now() + :leaseMs * interval '1 millisecond')
                where status = 'RUNNING' and claim_confirmed""")
                .param("leaseMs", properties.lease().toMillis()).update();
    }

    record StatusCount(RunStatus status, long count) {
    }

    List<StatusCount> countByStatus() {
        return jdbc.sql("select status, count(*) as count from runs group by status").query(StatusCount.class).list();
    }
}
