import { describe, expect, it } from 'vitest';
import { runColor, runHue } from './colors';

function hueDistance(a: number, b: number) {
  const d = Math.abs(a - b) % 360;
  return Math.min(d, 360 - d);
}

describe('runColor', () => {
  it('depends on the id alone', () => {
    expect(runColor(42)).toBe(runColor(42));
    expect(runColor(42)).toMatch(/^hsl\(\d{1,3}, 70%, 38%\)$/);
  });
  it('gives consecutive ids clearly different hues', () => {
    for (let id = 1; id < 500; id++) expect(hueDistance(runHue(id), runHue(id + 1))).toBeGreaterThan(60);
  });
  it('spreads ten consecutive runs at least 15 degrees apart', () => {
    const hues = Array.from({ length: 10 }, (_, i) => runHue(100 + i));
    for (let i = 0; i < hues.length; i++)
      for (let j = i + 1; j < hues.length; j++) expect(hueDistance(hues[i], hues[j])).toBeGreaterThanOrEqual(15);
  });
});
