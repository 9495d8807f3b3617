/** uPlot option builders shared by the run and compare pages (structure only; data goes via setData). */
import type uPlot from 'uplot';
import type { XAxis } from '../api/types';
import { compact, duration, num } from '../components/format';

export const X_LABEL: Record<XAxis, string> = { step: 'step', tokens: 'tokens', seconds: 'seconds' };

export function xAxis(x: XAxis): uPlot.Axis {
  return {
    label: X_LABEL[x],
    stroke: '#333',
    grid: { stroke: '#e6e6e6' },
    values: (_u, splits) => splits.map((v) => (v == null ? '' : x === 'seconds' ? duration(v) : compact(v))),
  };
}

export function yAxis(label: string): uPlot.Axis {
  return {
    label,
    stroke: '#333',
    grid: { stroke: '#e6e6e6' },
    size: 60,
    values: (_u, splits) => splits.map((v) => (v == null ? '' : num(v, 3))),
  };
}

export interface LineSpec {
  label: string;
  color: string;
  dash?: number[];
  width?: number;
}

/** x + one line per spec; `bands` adds a min and a max series per line, filled between them. */
export function lineOptions(opts: {
  x: XAxis;
  yLabel: string;
  lines: LineSpec[];
  bands?: string[];
  logY?: boolean;
  yRange?: [number, number] | null;
  legend?: boolean;
}): Omit<uPlot.Options, 'width' | 'height'> {
  const series: uPlot.Series[] = [{ label: X_LABEL[opts.x] }];
  for (const l of opts.lines) {
    series.push({ label: l.label, stroke: l.color, width: l.width ?? 1.6, dash: l.dash, spanGaps: true, points: { show: false },
      value: (_u, v) => num(v) });
  }
  const bandsOut: uPlot.Band[] = [];
  if (opts.bands) {
    opts.lines.forEach((l, i) => {
      const base = series.length;
      series.push({ label: `${l.label} min`, stroke: 'transparent', spanGaps: true, points: { show: false }, width: 0 });
      series.push({ label: `${l.label} max`, stroke: 'transparent', spanGaps: true, points: { show: false }, width: 0 });
      bandsOut.push({ series: [base + 1, base], fill: opts.bands![i] });
    });
  }
  const range = opts.yRange;
  return {
    series,
    bands: bandsOut,
    legend: { show: opts.legend ?? true, live: true },
    cursor: { drag: { x: true, y: false, setScale: true }, focus: { prox: 24 } },
    focus: { alpha: 0.35 },
    scales: {
      x: { time: false },
      y: {
        distr: opts.logY ? 3 : 1,
        ...(range ? { range: () => range } : {}),
      },
    },
    axes: [xAxis(opts.x), yAxis(opts.yLabel)],
  };
}
