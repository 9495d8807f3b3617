import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import { historyQuery, keys, metricsQuery, runQuery } from '../../api/queries';
import { ENDED, type MetricHistory, type Run, type XAxis } from '../../api/types';
import { runColor } from '../../charts/colors';
import { lineOptions } from '../../charts/lineOptions';
import { alignSeries, type SeriesIn } from '../../charts/series';
import { UPlotChart, type AlignedData } from '../../charts/UPlotChart';
import { ago, between, bytes, compact, duration, num, time } from '../../components/format';
import { ErrorView, Loading } from '../../components/States';
import { RunSwatch, StatusBadge } from '../../components/StatusBadge';
import { useUrlState } from '../../components/urlState';
import { fromSpec, toSpec } from '../newrun/specForm';
import { MemoryPanel } from './MemoryPanel';
import { useLiveRun } from './useLiveRun';

/** One chart per metric group; a key missing from the run simply leaves its line out. */
const GROUPS: { id: string; title: string; keys: string[] }[] = [
  { id: 'loss', title: 'Loss (train, eval)', keys: ['train_loss', 'eval_loss'] },
  { id: 'lr', title: 'Learning rate', keys: ['lr'] },
  { id: 'grad', title: 'Gradient norm', keys: ['grad_norm'] },
  { id: 'tps', title: 'Tokens / s', keys: ['tokens_per_s'] },
  { id: 'time', title: 'Step time (ms)', keys: ['step_ms', 'optimizer_ms'] },
];
const ALL_KEYS = GROUPS.flatMap((g) => g.keys);
const DASHES = [undefined, [6, 4]];

export function RunPage() {
  const id = Number(useParams().id);
  const url = useUrlState();
  const x = (url.get('x', 'step') as XAxis);
  const run = useQuery({ ...runQuery(id), enabled: Number.isFinite(id) });
  if (!Number.isFinite(id)) return <ErrorView error={new ApiError(404, 'Not Found', '')} />;
  if (run.isPending) return <Loading what="Loading the run" />;
  if (run.error) return <ErrorView error={run.error} retry={() => run.refetch()} />;
  return <RunView run={run.data} x={x} setX={(v) => url.set({ x: v === 'step' ? null : v }, { replace: true })} />;
}

function RunView({ run, x, setX }: { run: Run; x: XAxis; setX: (x: XAxis) => void }) {
  const range = useMemo(() => ({ x, maxPoints: 1000 }), [x]);
  const mq = metricsQuery(run.id, ALL_KEYS, range);
  const metrics = useQuery(mq);
  const live = useLiveRun(run.id, run.status, mq.queryKey, x);
  const history = useQuery(historyQuery(run.id));
  const color = runColor(run.id);

  return (
    <article aria-labelledby="run-title" data-run-id={run.id}>
      <RunHeader run={run} live={live} />
      <section className="panel">
        <div className="panel-head">
          <h2>Metrics</h2>
          <div className="seg" role="radiogroup" aria-label="x axis">
            {(['step', 'tokens', 'seconds'] as XAxis[]).map((v) => (
              <button key={v} role="radio" aria-checked={x === v} className={x === v ? 'on' : ''} onClick={() => setX(v)}>{v}</button>
            ))}
          </div>
        </div>
        {metrics.isPending ? <Loading what="Loading curves" /> : metrics.error ? <ErrorView error={metrics.error} retry={() => metrics.refetch()} /> : (
          <div className="chart-grid">
            {GROUPS.map((g) => <GroupChart key={g.id} group={g} history={metrics.data} x={x} color={color} />)}
          </div>
        )}
      </section>
      <div className="two-col">
        <SummaryPanel run={run} />
        <MemoryPanel run={run} />
      </div>
      <SpecPanel run={run} />
      {history.data && history.data.length > 0 && (
        <section className="panel">
          <h2>History</h2>
          <ol className="history">
            {history.data.map((h, i) => (
              <li key={i}><time dateTime={h.at}>{time(h.at)}</time> <strong>{h.event}</strong> by {h.actor.kind.toLowerCase()} {h.actor.name ?? ''}{h.detail ? ` — ${h.detail}` : ''}</li>
            ))}
          </ol>
        </section>
      )}
    </article>
  );
}

function GroupChart({ group, history, x, color }: { group: (typeof GROUPS)[number]; history: MetricHistory; x: XAxis; color: string }) {
  const present = group.keys.filter((k) => history.series.some((s) => s.key === k && s.points.length > 0));
  const structure = present.join(',');
  const options = useMemo(
    () => lineOptions({ x, yLabel: '', lines: present.map((k, i) => ({ label: k, color: i === 0 ? color : '#555', dash: DASHES[i] })) }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [structure, x, color],
  );
  const data = useMemo(() => {
    const series: SeriesIn[] = present.map((k) => {
      const s = history.series.find((v) => v.key === k)!;
      return { runId: s.runId, key: k, points: s.points as SeriesIn['points'] };
    });
    const a = alignSeries(series);
    return [a.xs, ...a.runs.map((r) => r.line)] as AlignedData;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [history, structure]);
  return (
    <figure className="chart-card" data-group={group.id} data-points={data[0].length}>
      <figcaption>{group.title}</figcaption>
      {present.length === 0 ? <p className="muted small">No points yet.</p> : <UPlotChart options={options} data={data} height={200} keepZoom label={group.title} />}
    </figure>
  );
}

function useNow(active: boolean) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

function RunHeader({ run, live }: { run: Run; live: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const now = useNow(run.status === 'RUNNING');
  const refresh = (r: Run) => {
    qc.setQueryData(keys.run(run.id), r);
    qc.invalidateQueries({ queryKey: ['runs', 'list'] });
  };
  const cancel = useMutation({ mutationFn: () => api.runs.cancel(run.id), onSuccess: refresh });
  const remove = useMutation({
    mutationFn: () => api.runs.remove(run.id),
    onSuccess: () => {
      qc.removeQueries({ queryKey: keys.run(run.id) });
      qc.invalidateQueries({ queryKey: keys.runs });
      navigate('/runs');
    },
  });
  const lease = run.leaseUntil ? (Date.parse(run.leaseUntil) - now) / 1000 : null;
  const active = !ENDED.has(run.status);
  const err = cancel.error ?? remove.error;
  return (
    <header className="run-head">
      <div className="title-row">
        <RunSwatch color={runColor(run.id)} />
        <h1 id="run-title" className="wrap-anywhere">{run.name || `run ${run.id}`}</h1>
        <StatusBadge status={run.status} cancelRequested={run.cancelRequested} />
        {live === 'live' && <span className="live" title="following the run over Server-Sent Events">● live</span>}
        {live === 'reconnecting' && <span className="muted">reconnecting…</span>}
      </div>
      <p className="crumbs muted">#{run.id} · {run.team}/{run.project}{run.submittedBy ? ` · submitted by ${run.submittedBy}` : ''} · created {time(run.createdAt)}</p>
      <dl className="facts">
        <div><dt>Attempt</dt><dd>{run.attempt}</dd></div>
        <div><dt>Retries used</dt><dd>{run.infraFailures + run.codeFailures} <span className="muted small">({run.infraFailures} infra, {run.codeFailures} code)</span></dd></div>
        <div><dt>Worker</dt><dd className="ellipsis" title={run.workerName ?? ''}>{run.workerName ?? '—'}</dd></div>
        <div><dt>Lease</dt><dd data-testid="lease">{run.status === 'RUNNING' && lease != null ? (lease > 0 ? `expires in ${duration(lease)}` : 'expired') : '—'}</dd></div>
        <div><dt>Checkpoint</dt><dd>{run.checkpoint ? `step ${run.checkpoint.step}` : '—'}</dd></div>
        <div><dt>Duration</dt><dd>{duration(between(run.startedAt, run.finishedAt))}</dd></div>
        {run.status === 'QUEUED' && run.waitingReason && <div><dt>Waiting</dt><dd>{run.waitingReason}</dd></div>}
        {run.notBefore && run.status === 'QUEUED' && <div><dt>Retry</dt><dd>{ago(run.notBefore)}</dd></div>}
      </dl>
      {run.error && <pre className="run-error" role="alert">{run.error}</pre>}
      {run.tags.length > 0 && <p className="tags">{run.tags.map((t) => <Link key={t} className="tag" to={`/runs?tag=${encodeURIComponent(t)}`}>{t}</Link>)}</p>}
      {run.notes && <p className="notes">{run.notes}</p>}
      <div className="actions">
        {active && <button onClick={() => cancel.mutate()} disabled={cancel.isPending || run.cancelRequested} data-testid="cancel-run">{run.cancelRequested ? 'Cancelling…' : 'Cancel'}</button>}
        <Link className="button" to={`/new?clone=${run.id}`}>Clone and edit</Link>
        <button onClick={() => setEditing((e) => !e)} aria-expanded={editing}>Edit name, tags, notes</button>
        <button className="danger" disabled={run.status === 'RUNNING' || remove.isPending}
          title={run.status === 'RUNNING' ? 'cancel it first' : undefined}
          onClick={() => { if (confirm(`Delete run #${run.id} "${run.name}" and its metrics?`)) remove.mutate(); }}>Delete</button>
        <Link className="button" to={`/compare?runs=${run.id}`}>Compare…</Link>
      </div>
      {err && <p className="field-error" role="alert">{err instanceof ApiError ? err.detail || err.title : String(err)}</p>}
      {editing && <EditForm run={run} onDone={(r) => { refresh(r); setEditing(false); }} />}
    </header>
  );
}

function EditForm({ run, onDone }: { run: Run; onDone: (r: Run) => void }) {
  const [name, setName] = useState(run.name);
  const [tags, setTags] = useState(run.tags.join(', '));
  const [notes, setNotes] = useState(run.notes ?? '');
  const save = useMutation({
    mutationFn: () => api.runs.patch(run.id, { name, tags: tags.split(',').map((t) => t.trim()).filter(Boolean), notes }),
    onSuccess: onDone,
  });
  const fieldErr = (f: string) => (save.error instanceof ApiError ? save.error.errors.find((e) => e.field === f || e.field.startsWith(f + '['))?.message : undefined);
  return (
    <form className="edit" onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
      <label>Name <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />{fieldErr('name') && <span className="field-error">{fieldErr('name')}</span>}</label>
      <label>Tags <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="comma-separated" />{fieldErr('tags') && <span className="field-error">{fieldErr('tags')}</span>}</label>
      <label>Notes <textarea value={notes} onChange={(e) => setNotes(e.target.value)} rows={3} /></label>
      <button className="primary" type="submit" disabled={save.isPending}>Save</button>
      {save.error && !(save.error instanceof ApiError && save.error.errors.length) && <p className="field-error">{String((save.error as Error).message)}</p>}
    </form>
  );
}

function SummaryPanel({ run }: { run: Run }) {
  const s = run.summary;
  return (
    <section className="panel">
      <h2>Summary</h2>
      {!s ? <p className="muted">The worker reports the summary when the run ends.</p> : (
        <dl className="kv">
          <dt>Final train loss</dt><dd data-testid="final-loss">{num(s.finalLoss)}</dd>
          <dt>Final eval loss</dt><dd>{num(s.finalEvalLoss)}</dd>
          <dt>Eval perplexity</dt><dd>{num(s.perplexity)}</dd>
          <dt>Steps</dt><dd>{compact(s.steps)}</dd>
          <dt>Tokens</dt><dd>{compact(s.tokens)}</dd>
          <dt>Time</dt><dd>{duration(s.seconds)}</dd>
          <dt>Tokens / s</dt><dd>{compact(s.tokensPerSecond)}</dd>
          <dt>Peak memory</dt><dd>{bytes(s.memory?.peakDeviceBytes || s.memory?.peakResidentBytes)} <span className="muted small">{s.memory?.peakDeviceBytes ? 'device' : 'resident (CPU)'}</span></dd>
        </dl>
      )}
    </section>
  );
}

function SpecPanel({ run }: { run: Run }) {
  const submitted = useMemo(() => toSpec(fromSpec(run.spec)), [run.spec]);
  return (
    <section className="panel">
      <h2>Spec</h2>
      <div className="two-col">
        <div>
          <h3>As submitted <span className="muted small">(what differs from the defaults)</span></h3>
          <pre className="code">{JSON.stringify(submitted, null, 2)}</pre>
        </div>
        <div>
          <h3>As resolved <span className="muted small">(every default filled in)</span></h3>
          <pre className="code">{JSON.stringify(run.spec, (k, v) => (['complete', 'headDimensionIntegral', 'europarl', 'lengthUnambiguous', 'precisionSupportedByDevice', 'tokenBudgetAtLeastOneStep'].includes(k) ? undefined : v), 2)}</pre>
        </div>
      </div>
    </section>
  );
}
