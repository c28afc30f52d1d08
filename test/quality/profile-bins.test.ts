import { describe, expect, it } from 'vitest';
import { binLabel, formatMeasure, formatNumber } from '../../src/quality';
import { MAX_BINS, planBins } from '../../src/quality/profile/bins';

describe('planBins', () => {
  it('gives one bin to a constant, one per value to a narrow integer range, else MAX_BINS', () => {
    expect(planBins(7, 7, true)).toEqual([{ from: 7, to: 7, count: 0 }]);
    expect(planBins(-1, 1, true).map((b) => [b.from, b.to])).toEqual([
      [-1, -1],
      [0, 0],
      [1, 1],
    ]);
    const wide = planBins(0, 1, false);
    expect(wide).toHaveLength(MAX_BINS);
    expect(wide[0]!.from).toBe(0);
    expect(wide.at(-1)!.to).toBe(1);
    // Contiguous: each bin starts where the previous one ends.
    for (let k = 1; k < wide.length; k++) expect(wide[k]!.from).toBe(wide[k - 1]!.to);
    expect(planBins(1, 21, true)).toHaveLength(MAX_BINS);
    expect(planBins(1, 20, true)).toHaveLength(20);
    expect(planBins(Number.NaN, 3, false)).toEqual([]);
  });
});

describe('profile formatting', () => {
  it('writes dates as days or minutes (UTC) and numbers with six significant digits', () => {
    const day = Date.UTC(2024, 1, 29, 13, 45);
    expect(formatMeasure({ kind: 'date', type: 'DATE' }, day)).toBe('2024-02-29');
    expect(formatMeasure({ kind: 'date', type: 'TIMESTAMP' }, day)).toBe('2024-02-29 13:45');
    expect(formatNumber(1 / 3)).toBe('0.333333');
    expect(formatNumber(1000)).toBe('1000');
    expect(formatNumber(1e-7)).toBe('1.000e-7');
    expect(binLabel({ kind: 'number', type: 'BIGINT' }, { from: 5, to: 5, count: 1 })).toBe('5');
    expect(binLabel({ kind: 'number', type: 'DOUBLE' }, { from: 1, to: 2.5, count: 1 })).toBe(
      '1 – 2.5',
    );
  });
});
