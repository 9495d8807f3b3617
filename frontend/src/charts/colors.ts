/**
 * One colour per run, everywhere (table dot, run page, compare legend and lines), derived from the id alone
 * so two tabs, a reload or another user see the same colour. Hues walk the golden angle, so consecutive ids
 * (the usual comparison) land far apart; lightness 38% keeps every hue at >= 4.5:1 contrast on white text-free
 * lines and readable as a swatch.
 */
const GOLDEN = 0.618033988749895;

export function runHue(id: number): number {
  const f = (id * GOLDEN) % 1;
  return Math.round(f * 360) % 360;
}

export function runColor(id: number): string {
  return `hsl(${runHue(id)}, 70%, 38%)`;
}

/** The same hue, transparent: the min/max band behind the line. */
export function runBandColor(id: number): string {
  return `hsla(${runHue(id)}, 70%, 38%, 0.12)`;
}
