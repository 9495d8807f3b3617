/**
 * Pure shaping of the metric API's answers into chart arrays (uPlot's column format), smoothing and
 * the headline comparison numbers. No uPlot import here: everything is unit-tested in Node.
 */

/** One point as the metric/compare endpoints return it (raw: bucket null, min = max = value). */
export interface BucketPoint {
  x: number;
  step: number;
  value: number;
  min: number;
  max: number;
  count: number;
  bucket: number | null;
}

export interface SeriesIn {
  runId: number;
  key: string;
  points: BucketPoint[];
}

/**
 * Time constant of the smoothing in x units. The slider's weight w in [0, 1) means what TensorBoard's
 * weight means per point of the full run at up to 1000 points: unit = full x extent / min(points - 1, 1000)
 * and tau = -unit / ln(w). It depends on the full (unzoomed) series only, so zooming, which narrows the
 * buckets, leaves the curve's shape alone.
 */
export function smoothingTau(weight: number, fullExtent: number, fullPoints = 1001): number {
  if (!(weight > 0) || !(fullExtent > 0)) return 0;
  const w = Math.min(weight, 0.999);
  const unit = fullExtent / Math.min(1000, Math.max(1, fullPoints - 1));
  return -unit / Math.log(w);
}

/**
 * Debiased exponential moving average over irregularly spaced points, weighted by Δx: the average of the
 * curve that joins the points linearly, with kernel e^{-(x_i - s)/tau}/tau. Per segment of width dx (keep
 * a = e^{-dx/tau}) that is m_i = a m_{i-1} + (1-a) y_{i-1} + (y_i - y_{i-1}) (1 - (tau/dx)(1-a)), so a bucket
 * standing for a wide x range counts as much as the many points it replaced and the curve keeps its shape
 * when the zoom changes the bucket width. Dividing by the same average of 1s removes the bias towards the
 * (non-existent) zero start; the first point stands for one median spacing before it.
 * Nulls (missing values) are passed through and do not advance the average.
 */
export function smoothEma(xs: ArrayLike<number>, ys: ArrayLike<number | null>, tau: number): (number | null)[] {
  const out: (number | null)[] = new Array(ys.length);
  if (!(tau > 0)) {
    for (let i = 0; i < ys.length; i++) out[i] = ys[i];
    return out;
  }
  let m = 0;
  let c = 0;
  let prevX: number | null = null;
  let prevY = 0;
  const firstDx = medianSpacing(xs, ys);
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (y == null || !Number.isFinite(y)) {
      out[i] = null;
      continue;
    }
    if (prevX == null) {
      const keep = Math.exp(-firstDx / tau);
      m = (1 - keep) * y;
      c = 1 - keep;
    } else {
      const dx = Math.max(0, xs[i] - prevX);
      const keep = Math.exp(-dx / tau);
      // share of the segment's average that its right end carries (-> 1/2 dx/tau for small dx, -> 1 for wide)
      const slope = dx > 0 ? 1 - (tau / dx) * (1 - keep) : 0;
      m = keep * m + (1 - keep) * prevY + (y - prevY) * slope;
      c = keep * c + (1 - keep);
    }
    out[i] = m / c;
    prevX = xs[i];
    prevY = y;
  }
  return out;
}

function medianSpacing(xs: ArrayLike<number>, ys: ArrayLike<number | null>): number {
  const gaps: number[] = [];
  let prev: number | null = null;
  for (let i = 0; i < xs.length; i++) {
    if (ys[i] == null) continue;
    if (prev != null) gaps.push(xs[i] - prev);
    prev = xs[i];
  }
  if (gaps.length === 0) return 1;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] || 1;
}

/** uPlot's aligned columns: x, then per run its line (possibly smoothed), min and max. */
export interface AlignedSeries {
  xs: number[];
  runs: { runId: number; line: (number | null)[]; raw: (number | null)[]; min: (number | null)[]; max: (number | null)[] }[];
}

/**
 * Joins several runs' points onto the sorted union of their x values (each run keeps its own exact x; a run
 * without a point at some x gets null there, which the chart spans). logY drops values <= 0 (no log).
 */
export function alignSeries(series: SeriesIn[], opts: { tau?: number; logY?: boolean } = {}): AlignedSeries {
  const xsSet = new Set<number>();
  for (const s of series) for (const p of s.points) xsSet.add(p.x);
  const xs = Array.from(xsSet).sort((a, b) => a - b);
  const index = new Map<number, number>();
  xs.forEach((x, i) => index.set(x, i));
  const ok = (v: number) => Number.isFinite(v) && (!opts.logY || v > 0);
  const runs = series.map((s) => {
    const raw: (number | null)[] = new Array(xs.length).fill(null);
    const min: (number | null)[] = new Array(xs.length).fill(null);
    const max: (number | null)[] = new Array(xs.length).fill(null);
    for (const p of s.points) {
      const i = index.get(p.x)!;
      raw[i] = ok(p.value) ? p.value : null;
      min[i] = ok(p.min) ? p.min : null;
      max[i] = ok(p.max) ? p.max : null;
    }
    const line = smoothEma(xs, raw, opts.tau ?? 0);
    return { runId: s.runId, line, raw, min, max };
  });
  return { xs, runs };
}

/** The y range that leaves out the top and bottom `tail` share of the values (the "ignore outliers" toggle). */
export function robustRange(values: Iterable<number | null>, tail = 0.02): [number, number] | null {
  const v: number[] = [];
  for (const y of values) if (y != null && Number.isFinite(y)) v.push(y);
  if (v.length === 0) return null;
  v.sort((a, b) => a - b);
  const lo = v[Math.floor(tail * (v.length - 1))];
  const hi = v[Math.ceil((1 - tail) * (v.length - 1))];
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
  return [lo - pad, hi + pad];
}

/** The last non-null value of a series (the legend's "final"). */
export function finalValue(points: BucketPoint[]): number | null {
  for (let i = points.length - 1; i >= 0; i--) if (Number.isFinite(points[i].value)) return points[i].value;
  return null;
}

/**
 * The first x at which a decreasing metric reaches `target` (value <= target), linearly interpolated between
 * the last point above and the first point at or below; null if it never does. With xs in tokens this is the
 * papers' "tokens to reach the baseline's loss".
 */
export function xToReach(xs: ArrayLike<number>, ys: ArrayLike<number | null>, target: number): number | null {
  let px: number | null = null;
  let py: number | null = null;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (y == null || !Number.isFinite(y)) continue;
    if (y <= target) {
      if (px == null || py == null || py === y) return xs[i];
      return px + ((py - target) / (py - y)) * (xs[i] - px);
    }
    px = xs[i];
    py = y;
  }
  return null;
}

/** A live stream's points merged into a series: one value per step (a repeated step replaces), sorted by step. */
export interface LivePoint {
  key: string;
  step: number;
  tokens: number | null;
  seconds: number | null;
  value: number;
}

export function mergeLive(points: BucketPoint[], incoming: LivePoint[], xOf: (p: LivePoint) => number | null): BucketPoint[] {
  if (incoming.length === 0) return points;
  const byStep = new Map<number, BucketPoint>();
  for (const p of points) byStep.set(p.step, p);
  let changed = false;
  for (const p of incoming) {
    const x = xOf(p);
    if (x == null || !Number.isFinite(p.value)) continue;
    byStep.set(p.step, { x, step: p.step, value: p.value, min: p.value, max: p.value, count: 1, bucket: null });
    changed = true;
  }
  if (!changed) return points;
  return Array.from(byStep.values()).sort((a, b) => a.step - b.step);
}
