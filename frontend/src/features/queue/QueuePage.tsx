import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import { workersQuery } from '../../api/queries';
import type { Run, RunPage } from '../../api/types';
import { runColor } from '../../charts/colors';
import { ago, bytes, time } from '../../components/format';
import { Empty, ErrorView, Loading } from '../../components/States';
import { RunSwatch, StatusBadge } from '../../components/StatusBadge';

/** Queued runs in claim order (`sort=queue`; an older backend without it: oldest first). */
async function queued(signal: AbortSignal): Promise<RunPage & { claimOrder: boolean }> {
  try {
    return { ...(await api.runs.list({ status: ['QUEUED'], sort: 'queue', size: 200 }, signal)), claimOrder: true };
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 400)) throw e;
    return { ...(await api.runs.list({ status: ['QUEUED'], sort: 'created', order: 'asc', size: 200 }, signal)), claimOrder: false };
  }
}

export function QueuePage() {
  const q = useQuery({ queryKey: ['runs', 'list', 'queue'], queryFn: ({ signal }) => queued(signal), refetchInterval: 3000 });
  const running = useQuery({ queryKey: ['runs', 'list', 'running'], queryFn: ({ signal }) => api.runs.list({ status: ['RUNNING'], size: 200 }, signal), refetchInterval: 3000 });
  const workers = useQuery(workersQuery());
  const gpuSeen = workers.data?.some((w) => w.deviceKind === 'gpu');
  const cpuSeen = workers.data?.some((w) => w.deviceKind === 'cpu');
  /** the backend's reason when it gives one, else what the workers list makes plain */
  const waiting = (r: Run) => r.waitingReason
    ?? (r.notBefore && Date.parse(r.notBefore) > Date.now() ? `retry backoff until ${time(r.notBefore)}`
      : workers.data && r.spec?.device === 'gpu' && !gpuSeen ? 'needs a GPU worker: none seen in the last hour'
        : workers.data && r.spec?.device === 'cpu' && !cpuSeen ? 'needs a CPU worker: none seen in the last hour'
          : workers.data && workers.data.length === 0 ? 'no worker seen in the last hour' : 'next free worker');
  const down = [q.error, running.error, workers.error].find((e) => e instanceof ApiError && e.unreachable);
  if (down) {
    return (
      <section aria-labelledby="queue-title">
        <header className="page-head"><h1 id="queue-title">Queue and workers</h1></header>
        <ErrorView error={down} retry={() => { q.refetch(); running.refetch(); workers.refetch(); }} />
      </section>
    );
  }
  return (
    <section aria-labelledby="queue-title">
      <header className="page-head"><h1 id="queue-title">Queue and workers</h1></header>
      <div className="panel">
        <h2>Queued {q.data ? `(${q.data.totalItems})` : ''}</h2>
        {q.isPending ? <Loading /> : q.error ? <ErrorView error={q.error} /> : q.data.items.length === 0 ? <p className="muted">Nothing waiting.</p> : (
          <>
            {!q.data.claimOrder && <p className="muted small">This backend does not report the claim order: oldest first.</p>}
            <table className="runs" data-testid="queued">
              <thead><tr><th className="num">#</th><th>Run</th><th>Priority</th><th>Device</th><th>Waiting because</th><th>Queued</th></tr></thead>
              <tbody>
                {q.data.items.map((r, i) => (
                  <tr key={r.id}>
                    <td className="num">{i + 1}</td>
                    <td><Link className="run-name" to={`/runs/${r.id}`} title={r.name}><RunSwatch color={runColor(r.id)} /><span className="ellipsis">#{r.id} {r.name}</span></Link></td>
                    <td>{r.priority}</td>
                    <td>{r.spec?.device}</td>
                    <td>{waiting(r)}</td>
                    <td>{ago(r.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>
      <div className="panel">
        <h2>Running {running.data ? `(${running.data.totalItems})` : ''}</h2>
        {running.isPending ? <Loading /> : running.error ? <ErrorView error={running.error} /> : running.data.items.length === 0 ? <p className="muted">No run is training.</p> : (
          <table className="runs" data-testid="running">
            <thead><tr><th>Run</th><th>Status</th><th>Worker</th><th>Attempt</th><th>Lease expires</th></tr></thead>
            <tbody>
              {running.data.items.map((r) => (
                <tr key={r.id}>
                  <td><Link className="run-name" to={`/runs/${r.id}`} title={r.name}><RunSwatch color={runColor(r.id)} /><span className="ellipsis">#{r.id} {r.name}</span></Link></td>
                  <td><StatusBadge status={r.status} cancelRequested={r.cancelRequested} /></td>
                  <td><span className="ellipsis cell-max" title={r.workerName ?? ''}>{r.workerName}</span></td>
                  <td>{r.attempt}</td>
                  <td>{r.leaseUntil ? ago(r.leaseUntil) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="panel">
        <h2>Workers seen in the last hour</h2>
        {workers.isPending ? <Loading /> : workers.error ? <ErrorView error={workers.error} /> : workers.data == null ? (
          <p className="muted">This backend does not list workers yet (<code>GET /api/v1/workers</code>).</p>
        ) : workers.data.length === 0 ? <Empty title="No worker has called in"><p>Start one with <code>./normlab start</code> or <code>normlab-worker.jar agent</code>.</p></Empty> : (
          <table className="runs" data-testid="workers">
            <thead><tr><th>Name</th><th>Device</th><th className="num">Memory</th><th>Team</th><th>Current run</th><th>Last heartbeat</th></tr></thead>
            <tbody>
              {workers.data.map((w) => (
                <tr key={w.name}>
                  <td><span className="ellipsis cell-max" title={w.name}>{w.name}</span></td>
                  <td>{w.deviceKind}</td>
                  <td className="num">{bytes(w.deviceMemoryBytes)}</td>
                  <td>{w.team ?? 'platform'}</td>
                  <td>{w.currentRunId ? <Link to={`/runs/${w.currentRunId}`}>#{w.currentRunId}</Link> : 'idle'}</td>
                  <td>{ago(w.lastSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
