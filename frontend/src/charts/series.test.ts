import { describe, expect, it } from 'vitest';
import { alignSeries, type BucketPoint, finalValue, mergeLive, robustRange, smoothEma, smoothingTau, xToReach } from './series';

/**
 * Independent oracle: the kernel average e^{-(x_i - s)/tau} of the piecewise-linear curve through the points
 * (the first point held constant for firstDx before it), integrated numerically on a fine grid.
 */
function directEma(xs: number[], ys: number[], tau: number, firstDx: number): number[] {
  const curve = (s: number) => {
    if (s <= xs[0]) return ys[0];
    let j = 1;
    while (xs[j] < s) j++;
    const t = (s - xs[j - 1]) / (xs[j] - xs[j - 1]);
    return ys[j - 1] + t * (ys[j] - ys[j - 1]);
  };
  return xs.map((xi) => {
    const lo = xs[0] - firstDx;
    const n = 20000;
    const h = (xi - lo) / n;
    let num = 0;
    let den = 0;
    for (let k = 0; k < n; k++) {
      const s = lo + (k + 0.5) * h; // midpoint rule
      const w = Math.exp(-(xi - s) / tau) * h;
      num += w * curve(s);
      den += w;
    }
    return num / den;
  });
}

const raw = (x: number, value: number): BucketPoint => ({ x, step: x, value, min: value, max: value, count: 1, bucket: null });

describe('smoothEma', () => {
  it('is the identity without smoothing', () => {
    expect(smoothEma([0, 1, 2], [3, null, 5], 0)).toEqual([3, null, 5]);
  });

  it('is debiased: a constant series stays exactly constant from the first point on', () => {
    const xs = [0, 1, 5, 6, 30];
    const out = smoothEma(xs, [2.5, 2.5, 2.5, 2.5, 2.5], 10);
    for (const v of out) expect(v).toBeCloseTo(2.5, 12);
  });

  it('equals the kernel average of the piecewise-linear curve on irregular spacing', () => {
    const xs = [0, 1, 2, 10, 11, 40, 41, 42];
    const ys = [9, 8, 8.5, 6, 6.2, 4, 4.1, 3.9];
    const tau = 7;
    // median gap of [1,1,8,1,29,1,1] is 1
    const expected = directEma(xs, ys, tau, 1);
    const got = smoothEma(xs, ys, tau);
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
  });

  it('weights by Δx: a point after a wide gap moves the average more than one after a narrow gap', () => {
    const narrow = smoothEma([0, 1, 2, 3], [0, 0, 0, 10], 5)[3]!;
    const wide = smoothEma([0, 1, 2, 20], [0, 0, 0, 10], 5)[3]!;
    expect(wide).toBeGreaterThan(narrow);
        expect(wide).toBeCloseTo(directEma([0, 1, 2, 20], [0, 0, 0, 10], 5, 1)[3], 4);
  });

  it('keeps its shape when the same curve is re-bucketed 10x coarser (zoom out)', () => {
    const f = (x: number) => 2 + 8 * Math.exp(-x / 300) + 0.3 * Math.sin(x / 40);
    const fineX = Array.from({ length: 2001 }, (_, i) => i);
    const coarseX = fineX.filter((x) => x % 10 === 0);
    const tau = smoothingTau(0.9, 2000); // unit 2 x, tau ~ 19 x
    const fine = smoothEma(fineX, fineX.map(f), tau);
    const coarse = smoothEma(coarseX, coarseX.map(f), tau);
    let worst = 0;
    coarseX.forEach((x, i) => {
      if (x < 100) return; // the start differs by the first point's weight
      worst = Math.max(worst, Math.abs(coarse[i]! - fine[x]!));
    });
    // a per-point EMA (ignoring Δx) differs by ~2 here, right-end weighting by ~0.1
    expect(worst).toBeLessThan(0.01);
  });

  it('skips nulls without advancing the average', () => {
    const out = smoothEma([0, 1, 2, 3], [1, null, 1, 1], 3);
    expect(out[1]).toBeNull();
    expect(out[3]).toBeCloseTo(1, 12);
  });
});

describe('smoothingTau', () => {
  it('gives TensorBoard semantics per 1/1000 of the full extent, independent of the zoom', () => {
    // weight w per unit u: e^{-u/tau} = w
    const tau = smoothingTau(0.6, 5000, 100_000);
    expect(Math.exp(-5 / tau)).toBeCloseTo(0.6, 12);
    expect(smoothingTau(0, 5000)).toBe(0);
  });
  it('uses the point spacing when the full run has fewer than 1000 points', () => {
    // 81 points over 80 steps: one point per step, weight 0.8 per step as TensorBoard would apply it
    const tau = smoothingTau(0.8, 80, 81);
    expect(Math.exp(-1 / tau)).toBeCloseTo(0.8, 12);
  });
});

describe('alignSeries', () => {
  it('joins runs on the union of their x and fills the gaps with null', () => {
    const a = { runId: 1, key: 'loss', points: [raw(0, 5), raw(10, 4)] };
    const b = {
      runId: 2,
      key: 'loss',
      points: [raw(0, 6), { x: 7, step: 7, value: 3, min: 2, max: 9, count: 8, bucket: 0 }],
    };
    const out = alignSeries([a, b]);
    expect(out.xs).toEqual([0, 7, 10]);
    expect(out.runs[0].raw).toEqual([5, null, 4]);
    expect(out.runs[1].raw).toEqual([6, 3, null]);
    expect(out.runs[1].min).toEqual([6, 2, null]);
    expect(out.runs[1].max).toEqual([6, 9, null]);
    expect(out.runs.map((r) => r.runId)).toEqual([1, 2]);
  });

  it('drops values a log axis cannot show', () => {
    const out = alignSeries([{ runId: 1, key: 'k', points: [raw(0, 0), raw(1, -1), raw(2, 3)] }], { logY: true });
    expect(out.runs[0].raw).toEqual([null, null, 3]);
  });

  it('smooths the line but never the band', () => {
    const pts = [raw(0, 10), raw(1, 0), raw(2, 10), raw(3, 0)];
    const out = alignSeries([{ runId: 1, key: 'k', points: pts }], { tau: 5 });
    expect(out.runs[0].max).toEqual([10, 0, 10, 0]);
    expect(out.runs[0].line[3]).toBeGreaterThan(0);
    expect(out.runs[0].line[3]).toBeLessThan(10);
  });
});

describe('xToReach', () => {
  it('interpolates between the last point above and the first at or below the target', () => {
    // from 4 at x=100 to 2 at x=200 crosses 3 at x=150
    expect(xToReach([0, 100, 200, 300], [8, 4, 2, 1], 3)).toBeCloseTo(150, 10);
  });
  it('is the first point when it already starts below', () => {
    expect(xToReach([50, 60], [1, 0.5], 2)).toBe(50);
  });
  it('is null when the target is never reached', () => {
    expect(xToReach([0, 1, 2], [5, 4, 3.5], 3)).toBeNull();
  });
  it('counts the first crossing, not a later one', () => {
    expect(xToReach([0, 10, 20, 30], [5, 2, 6, 1], 3)).toBeCloseTo(0 + (2 / 3) * 10, 10);
  });
});

describe('finalValue, robustRange, mergeLive', () => {
  it('finalValue is the last point', () => {
    expect(finalValue([raw(0, 3), raw(5, 2.5)])).toBe(2.5);
    expect(finalValue([])).toBeNull();
  });
  it('robustRange leaves out one spike among many values', () => {
    const v = Array.from({ length: 200 }, (_, i) => 3 + (i % 10) / 100);
    v[0] = 1000;
    const [lo, hi] = robustRange(v)!;
    expect(hi).toBeLessThan(4);
    expect(lo).toBeGreaterThan(2.5);
  });
  it('mergeLive keeps one point per step (a repeat replaces) in step order', () => {
    const merged = mergeLive([raw(1, 5), raw(2, 4)], [
      { key: 'k', step: 3, tokens: 30, seconds: 1, value: 3 },
      { key: 'k', step: 2, tokens: 20, seconds: 1, value: 4.5 },
    ], (p) => p.step);
    expect(merged.map((p) => [p.step, p.value])).toEqual([[1, 5], [2, 4.5], [3, 3]]);
  });
});
