import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { memoryQuery, runListQuery } from '../../api/queries';
import { DTYPES, PRESETS, type MemoryView } from '../../api/types';
import { bytes, gib } from '../../components/format';
import { ErrorView, Loading } from '../../components/States';
import { useUrlState } from '../../components/urlState';

const PARTS = [
  { key: 'weightBytes', label: 'weights', cls: 'seg-w' },
  { key: 'gradientBytes', label: 'gradients', cls: 'seg-g' },
  { key: 'stateBytes', label: 'optimizer state', cls: 'seg-s' },
] as const;

export function MemoryPage() {
  const url = useUrlState();
  const model = url.get('model', 'llama-1b');
  const dtype = url.get('dtype', 'fp32');
  const est = useQuery(memoryQuery(model, dtype));
  return (
    <section aria-labelledby="mem-page-title">
      <header className="page-head">
        <h1 id="mem-page-title">Memory savings</h1>
        <div className="controls">
          <label>Model
            <select value={model} onChange={(e) => url.set({ model: e.target.value })} data-testid="mem-model">
              {PRESETS.map((p) => <option key={p}>{p}</option>)}
            </select>
          </label>
          <label>dtype
            <select value={dtype} onChange={(e) => url.set({ dtype: e.target.value })}>
              {DTYPES.map((d) => <option key={d}>{d}</option>)}
            </select>
          </label>
        </div>
      </header>
      <p className="muted">Analytic bytes from the model’s shape (<code>/api/v1/memory/estimate</code>): weights, gradients and optimizer state. SinkGD and SWAN keep no state for the hidden matrices; embedding, head and gains stay on AdamW.</p>
      {est.isPending ? <Loading /> : est.error ? <ErrorView error={est.error} retry={() => est.refetch()} /> : (
        <div className="two-col wide-left">
          <Bars estimates={est.data.estimates} parameters={est.data.parameters} />
          <Measured preset={model} />
        </div>
      )}
    </section>
  );
}

function Bars({ estimates, parameters }: { estimates: MemoryView[]; parameters: number }) {
  const max = Math.max(...estimates.map((e) => e.totalBytes));
  return (
    <div className="panel">
      <h2>{(parameters / 1e6).toFixed(1)}M parameters</h2>
      <div className="bars" role="list">
        {estimates.map((e) => (
          <div className="bar-row" role="listitem" key={e.optimizer} data-optimizer={e.optimizer} data-total={e.totalBytes} data-state={e.stateBytes}>
            <div className="bar-label">{e.optimizer}</div>
            <div className="bar-track">
              <div className="bar" style={{ width: `${(100 * e.totalBytes) / max}%` }}
                aria-label={`${e.optimizer}: weights ${gib(e.weightBytes)}, gradients ${gib(e.gradientBytes)}, optimizer state ${gib(e.stateBytes)}, total ${gib(e.totalBytes)}`}>
                {PARTS.map((p) => (
                  <span key={p.key} className={`seg ${p.cls}`} style={{ width: `${(100 * e[p.key]) / e.totalBytes}%` }} title={`${p.label}: ${gib(e[p.key])}`} />
                ))}
              </div>
              <div className="bar-text">
                <strong>{gib(e.totalBytes)}</strong>
                {e.optimizer === 'adamw' ? <span className="muted"> baseline</span> :
                  <span className="saving-tag" data-testid={`saving-${e.optimizer}`}> saves {gib(e.savingVsAdamWBytes)} ({(e.savingVsAdamWFraction * 100).toFixed(1)}%)</span>}
                <span className="muted small"> · state {gib(e.stateBytes)}</span>
              </div>
            </div>
          </div>
        ))}
      </div>
      <div className="key" aria-hidden>
        {PARTS.map((p) => <span key={p.key}><span className={`seg-dot ${p.cls}`} /> {p.label}</span>)}
      </div>
    </div>
  );
}

/** Finished runs of this preset: the optimizer state their workers measured, per optimizer. */
function Measured({ preset }: { preset: string }) {
  const runs = useQuery(runListQuery({ status: ['SUCCEEDED'], size: 500 }));
  const groups = useMemo(() => {
    const by = new Map<string, { n: number; min: number; max: number; ids: number[] }>();
    for (const r of runs.data?.items ?? []) {
      const b = r.summary?.memory?.optimizerStateBytes;
      if (r.spec?.model?.preset !== preset || b == null) continue;
      const k = r.spec.optimizer.name;
      const g = by.get(k) ?? { n: 0, min: Infinity, max: -Infinity, ids: [] };
      g.n++; g.min = Math.min(g.min, b); g.max = Math.max(g.max, b); g.ids.push(r.id);
      by.set(k, g);
    }
    return Array.from(by.entries()).sort();
  }, [runs.data, preset]);
  return (
    <div className="panel">
      <h2>Measured on finished {preset} runs</h2>
      {runs.isPending ? <Loading /> : runs.error ? <ErrorView error={runs.error} /> : groups.length === 0 ? (
        <p className="muted">No finished {preset} run yet. <Link to={`/new`}>Submit one</Link>: its worker reports the exact bytes of its optimizer state.</p>
      ) : (
        <table className="mem">
          <thead><tr><th>Optimizer</th><th className="num">Runs</th><th className="num">Optimizer state</th></tr></thead>
          <tbody>
            {groups.map(([opt, g]) => (
              <tr key={opt} data-optimizer={opt}>
                <td>{opt}</td>
                <td className="num"><Link to={`/compare?runs=${g.ids.slice(0, 50).join(',')}`}>{g.n}</Link></td>
                <td className="num">{g.min === g.max ? bytes(g.min) : `${bytes(g.min)} – ${bytes(g.max)}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted small">CPU presets take their vocabulary from the tokenizer, so their measured bytes are below the estimate’s 32,000-token vocabulary.</p>
    </div>
  );
}
