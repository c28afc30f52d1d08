import { describe, expect, it } from 'vitest';
import { viewportRows } from '../../src/core/rows/viewport-rows';

const top = (v: ReturnType<typeof viewportRows>, i: number) => v.baseTop + (i - v.baseRow) * 28;

describe('viewportRows', () => {
  it('is a plain virtual list while the content fits', () => {
    const v = viewportRows(1000, 28, 280, 2800, 8_000_000, 0);
    expect(v).toMatchObject({
      start: 100,
      end: 111,
      contentPx: 28_000,
      baseRow: 100,
      baseTop: 2800,
    });
  });

  it('reaches the last of 10M rows within a capped content height', () => {
    const rows = 10_000_000;
    const end = viewportRows(rows, 28, 560, 8_000_000, 8_000_000, 0);
    expect(end.contentPx).toBe(8_000_000);
    expect(end.end).toBe(rows);
    // The last row ends exactly at the bottom of the viewport.
    expect(top(end, rows - 1) + 28).toBeCloseTo(8_000_000, 6);
    const start = viewportRows(rows, 28, 560, 0, 8_000_000, 0);
    expect(start).toMatchObject({ start: 0, baseRow: 0, baseTop: 0 });
    const middle = viewportRows(rows, 28, 560, (8_000_000 - 560) / 2, 8_000_000, 0);
    expect(middle.baseRow).toBeGreaterThan(4_999_000);
    expect(middle.baseRow).toBeLessThan(5_001_000);
  });

  it('draws consecutive rows 28 px apart and keeps the first one in view', () => {
    const v = viewportRows(10_000_000, 28, 560, 1_234_567);
    expect(top(v, v.baseRow)).toBeLessThanOrEqual(1_234_567);
    expect(top(v, v.baseRow) + 28).toBeGreaterThan(1_234_567);
    expect(top(v, v.baseRow + 1) - top(v, v.baseRow)).toBe(28);
  });

  it('clamps scroll positions and handles empty results', () => {
    expect(viewportRows(0, 28, 500, 100)).toMatchObject({ start: 0, end: 0, contentPx: 0 });
    expect(viewportRows(5, 28, 500, 9999)).toMatchObject({ start: 0, end: 5 });
  });
});
