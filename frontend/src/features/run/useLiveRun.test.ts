import { describe, expect, it } from 'vitest';
import type { MetricHistory } from '../../api/types';
import { mergeIntoHistory } from './useLiveRun';

const history = (): MetricHistory => ({
  x: 'step', from: 0, to: 2, maxPoints: 1000,
  buckets: { from: 0, to: 0, count: 0, width: 0 },
  series: [{ runId: 7, key: 'train_loss', sampled: false, pointsInRange: 2, points: [
    { x: 1, step: 1, value: 5, min: 5, max: 5, count: 1, bucket: null },
    { x: 2, step: 2, value: 4, min: 4, max: 4, count: 1, bucket: null },
  ] }],
});

describe('mergeIntoHistory (SSE metric batches into the cached history)', () => {
  it('appends new steps, replaces repeated ones and opens series for new keys', () => {
    const out = mergeIntoHistory(history(), [
      { key: 'train_loss', step: 2, tokens: 256, seconds: 0.2, value: 4.5 },
      { key: 'train_loss', step: 3, tokens: 384, seconds: 0.3, value: 3.5 },
      { key: 'eval_loss', step: 3, tokens: 384, seconds: 0.3, value: 3.9 },
    ], 'step', 7)!;
    expect(out.series.map((s) => s.key)).toEqual(['train_loss', 'eval_loss']);
    expect(out.series[0].points.map((p) => [p.x, p.value])).toEqual([[1, 5], [2, 4.5], [3, 3.5]]);
    expect(out.series[1].points.map((p) => [p.x, p.value])).toEqual([[3, 3.9]]);
  });

  it('places points on the chosen x axis and leaves out points without it', () => {
    const h = { ...history(), x: 'tokens' as const, series: [] };
    const out = mergeIntoHistory(h, [
      { key: 'lr', step: 3, tokens: 384, seconds: 0.3, value: 0.01 },
      { key: 'lr', step: 4, tokens: null, seconds: 0.4, value: 0.02 },
    ], 'tokens', 7)!;
    expect(out.series[0].points.map((p) => [p.x, p.step])).toEqual([[384, 3]]);
  });

  it('keeps the same object when nothing changed (no redraw)', () => {
    const h = history();
    expect(mergeIntoHistory(h, [], 'step', 7)!.series[0]).toBe(h.series[0]);
  });
});
