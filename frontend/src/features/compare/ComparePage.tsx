import { useQueries, useQuery } from '@tanstack/react-query';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/endpoints';
import { keys, runQuery } from '../../api/queries';
import type { MetricHistory, XAxis } from '../../api/types';
import { runBandColor, runColor } from '../../charts/colors';
import { lineOptions } from '../../charts/lineOptions';
import { alignSeries, finalValue, robustRange, smoothEma, smoothingTau, xToReach, type SeriesIn } from '../../charts/series';
import { UPlotChart, type AlignedData, type uPlot } from '../../charts/UPlotChart';
import { compact, num } from '../../components/format';
import { Empty, ErrorView, Loading } from '../../components/States';
import { RunSwatch, StatusBadge } from '../../components/StatusBadge';
import { useUrlState } from '../../components/urlState';

const METRIC_KEYS = ['train_loss', 'eval_loss', 'eval_ppl', 'lr', 'grad_norm', 'tokens_per_s', 'step_ms', 'optimizer_ms'];
const MAX_RUNS = 50;

function compareQuery(runs: number[], key: string, x: XAxis, maxPoints: number, from?: number | null, to?: number | null, mark = false) {
  const range = { x, from: from ?? null, to: to ?? null, maxPoints };
  return {
    queryKey: keys.compare(runs, key, range),
    queryFn: async ({ signal }: { signal: AbortSignal }) => {
      const h = await api.compare(runs, key, range, signal);
      if (mark) performance.mark('normlab:compare-response');
      return h;
    },
    enabled: runs.length > 0,
    placeholderData: (prev: MetricHistory | undefined) => prev,
  };
}

const toSeries = (h: MetricHistory | undefined): SeriesIn[] =>
  (h?.series ?? []).map((s) => ({ runId: s.runId, key: s.key, points: s.points as SeriesIn['points'] }));

export function ComparePage() {
  const url = useUrlState();
  const runIds = url.list('runs').map(Number).filter((n) => Number.isInteger(n) && n > 0).slice(0, MAX_RUNS);
  const key = url.get('key', 'train_loss');
  const x = url.get('x', 'tokens') as XAxis;
  const from = url.get('from') ? Number(url.get('from')) : null;
  const to = url.get('to') ? Number(url.get('to')) : null;
  const smooth = Math.min(0.99, Math.max(0, Number(url.get('smooth', '0')) || 0));
  const logY = url.get('log') === '1';
  const ignoreOutliers = url.get('outliers') === '1';
  const baseline = url.get('base') ? Number(url.get('base')) : runIds[0];

  // maxPoints ~ the chart's width in pixels (rounded, so a resize by a few pixels does not re-fetch)
  const host = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(() => Math.max(400, window.innerWidth - 320));
  useLayoutEffect(() => {
    const el = host.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(200, Math.round(el.clientWidth / 50) * 50)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const maxPoints = Math.min(10_000, Math.max(50, width));

  const main = useQuery(compareQuery(runIds, key, x, maxPoints, from, to, true));
  // the full extent (2 points per run) fixes the smoothing scale, whatever the zoom
  const extent = useQuery(compareQuery(runIds, key, x, 2));
  // the legend's headline numbers are always on tokens over the full run
  const tokens = useQuery(compareQuery(runIds, key, 'tokens', 1000));
  const runs = useQueries({ queries: runIds.map((id) => runQuery(id)) });

  const tau = useMemo(() => tauOf(extent.data, smooth), [extent.data, smooth]);

  const aligned = useMemo(() => alignSeries(toSeries(main.data), { tau, logY }), [main.data, tau, logY]);
  const yRange = useMemo(() => (ignoreOutliers ? robustRange(aligned.runs.flatMap((r) => r.line)) : null), [aligned, ignoreOutliers]);
  const structure = aligned.runs.map((r) => r.runId).join(',');
  const options = useMemo(() => {
    const o = lineOptions({
      x, yLabel: key, logY, yRange: yRange && logY ? [Math.max(yRange[0], 1e-12), yRange[1]] : yRange,
      lines: aligned.runs.map((r) => ({ label: `#${r.runId}`, color: runColor(r.runId), width: 2 })),
      bands: aligned.runs.map((r) => runBandColor(r.runId)),
      legend: false,
    });
    o.hooks = {
      draw: [(u: uPlot) => {
        // the visible x range, for a deep link's round trip (and the browser tests)
        const el = u.root.parentElement?.parentElement;
        if (el) {
          el.dataset.xMin = String(u.scales.x.min);
          el.dataset.xMax = String(u.scales.x.max);
        }
        if (performance.getEntriesByName('normlab:compare-response').length) {
          performance.mark('normlab:compare-drawn');
          performance.measure('normlab:compare-render', 'normlab:compare-response', 'normlab:compare-drawn');
          performance.clearMarks('normlab:compare-response');
        }
      }],
    };
    return o;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [structure, x, key, logY, yRange?.[0], yRange?.[1]]);
  const data = useMemo(() => [aligned.xs, ...aligned.runs.map((r) => r.line), ...aligned.runs.flatMap((r) => [r.min, r.max])] as AlignedData, [aligned]);
  const xRange = useMemo<[number, number] | null>(() => (from != null && to != null ? [from, to] : null), [from, to]);

  // legend: final value (raw, full range), tokens to reach the baseline's final value on the curve as shown
  const legend = useMemo(() => {
    const series = toSeries(tokens.data);
    const tokensTau = tauOf(tokens.data, smooth);
    const curves = series.map((s) => {
      const xs = s.points.map((p) => p.x);
      const ys = smoothEma(xs, s.points.map((p) => p.value), tokensTau);
      return { runId: s.runId, xs, ys, final: finalValue(s.points), shownFinal: lastNonNull(ys) };
    });
    const base = curves.find((c) => c.runId === baseline);
    const target = base?.shownFinal ?? null;
    const baseTokens = base && target != null ? xToReach(base.xs, base.ys, target) : null;
    return curves.map((c) => {
      const reach = target != null ? xToReach(c.xs, c.ys, target) : null;
      return { ...c, reach, ratio: reach != null && baseTokens ? reach / baseTokens : null };
    });
  }, [tokens.data, baseline, smooth]);

  const [adding, setAdding] = useState('');
  const onZoom = (r: [number, number] | null) => url.set({ from: r ? String(Number(r[0].toPrecision(8))) : null, to: r ? String(Number(r[1].toPrecision(8))) : null });
  const setRuns = (ids: number[]) => url.set({ runs: ids.map(String), from: null, to: null });

  useEffect(() => {
    if (main.data) document.title = `Compare ${runIds.length} runs · NormLab`;
  }, [main.data, runIds.length]);

  return (
    <section aria-labelledby="cmp-title">
      <header className="page-head">
        <h1 id="cmp-title">Compare</h1>
        <form className="actions" onSubmit={(e) => { e.preventDefault(); const id = Number(adding.replace('#', '')); if (id > 0 && !runIds.includes(id)) setRuns([...runIds, id]); setAdding(''); }}>
          <label>Add run # <input value={adding} onChange={(e) => setAdding(e.target.value)} size={6} inputMode="numeric" /></label>
          <button type="submit" disabled={runIds.length >= MAX_RUNS}>Add</button>
        </form>
      </header>
      {runIds.length === 0 ? (
        <Empty title="Pick runs to compare"><p>Select 2 to 50 runs on the <Link to="/runs">Runs</Link> page and press Compare, or add a run number above.</p></Empty>
      ) : (
        <>
          <div className="controls" role="group" aria-label="Chart settings">
            <label>Metric
              <select value={key} onChange={(e) => url.set({ key: e.target.value === 'train_loss' ? null : e.target.value, from: null, to: null })}>
                {METRIC_KEYS.map((k) => <option key={k}>{k}</option>)}
              </select>
            </label>
            <div className="seg" role="radiogroup" aria-label="x axis">
              {(['step', 'tokens', 'seconds'] as XAxis[]).map((v) => (
                <button key={v} role="radio" aria-checked={x === v} className={x === v ? 'on' : ''} onClick={() => url.set({ x: v === 'tokens' ? null : v, from: null, to: null })}>{v}</button>
              ))}
            </div>
            <label className="slider">Smoothing <input type="range" min={0} max={0.99} step={0.01} value={smooth}
              onChange={(e) => url.set({ smooth: Number(e.target.value) === 0 ? null : e.target.value }, { replace: true })} /> <output data-testid="smooth-value">{smooth.toFixed(2)}</output></label>
            <label><input type="checkbox" checked={logY} onChange={(e) => url.set({ log: e.target.checked ? '1' : null })} /> log y</label>
            <label><input type="checkbox" checked={ignoreOutliers} onChange={(e) => url.set({ outliers: e.target.checked ? '1' : null })} /> ignore outliers</label>
            {xRange && <button onClick={() => onZoom(null)} data-testid="reset-zoom">Reset zoom ({compact(xRange[0])}–{compact(xRange[1])})</button>}
          </div>
          <div ref={host} className="compare-chart" data-testid="compare-chart" data-max-points={maxPoints}>
            {main.isPending ? <Loading what="Loading curves" /> : main.error ? <ErrorView error={main.error} retry={() => main.refetch()} what="run" /> :
              aligned.xs.length === 0 ? <Empty title={`No ${key} points in these runs`} /> :
                <UPlotChart options={options} data={data} height={420} onZoom={onZoom} xRange={xRange} label={`${key} of ${runIds.length} runs`} />}
            <p className="muted small">Drag to zoom (re-fetches the range at full resolution), double-click to reset. The faint band is each bucket’s min–max.</p>
          </div>
          <table className="legend" data-testid="legend">
            <caption>Baseline: the run whose final {key} the others must reach; tokens counted on the curve as shown{smooth > 0 ? ' (smoothed)' : ''}.</caption>
            <thead>
              <tr><th>Baseline</th><th>Run</th><th>Status</th><th className="num">Final {key}</th><th className="num">Tokens to reach baseline</th><th className="num">× baseline</th><th /></tr>
            </thead>
            <tbody>
              {runIds.map((id, i) => {
                const r = runs[i]?.data;
                const l = legend.find((c) => c.runId === id);
                return (
                  <tr key={id} data-run-id={id}>
                    <td><input type="radio" name="baseline" aria-label={`Use run ${id} as baseline`} checked={baseline === id} onChange={() => url.set({ base: String(id) })} /></td>
                    <td><span className="legend-name">
                      <RunSwatch color={runColor(id)} />
                      <Link to={`/runs/${id}`} title={r?.name} className="ellipsis">#{id} {r?.name ?? ''}</Link>
                      {r?.spec?.optimizer && <span className="muted small nowrap"> {r.spec.optimizer.name} lr {num(r.spec.optimizer.lr, 3)}</span>}
                    </span></td>
                    <td>{r ? <StatusBadge status={r.status} /> : runs[i]?.error ? <span className="field-error">not found</span> : '…'}</td>
                    <td className="num" data-testid="legend-final" data-value={l?.final ?? ''}>{num(l?.final ?? null)}</td>
                    <td className="num" data-testid="legend-reach">{l?.reach != null ? compact(l.reach) : '—'}</td>
                    <td className="num">{l?.ratio != null ? `${l.ratio.toFixed(2)}×` : '—'}</td>
                    <td><button className="link" aria-label={`Remove run ${id}`} onClick={() => setRuns(runIds.filter((v) => v !== id))}>remove</button></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** The smoothing scale from a full-range answer: its x extent and the most points any run has in it. */
function tauOf(full: MetricHistory | undefined, weight: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  let points = 0;
  for (const s of full?.series ?? []) {
    for (const p of s.points) { lo = Math.min(lo, p.x); hi = Math.max(hi, p.x); }
    points = Math.max(points, s.pointsInRange);
  }
  return hi > lo ? smoothingTau(weight, hi - lo, points) : 0;
}

function lastNonNull(ys: (number | null)[]): number | null {
  for (let i = ys.length - 1; i >= 0; i--) if (ys[i] != null) return ys[i];
  return null;
}

export type { uPlot };
