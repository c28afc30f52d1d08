import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  figureTable,
  ratioOf,
  readFigures,
  writeFigures,
  type Figure,
} from '../../bench/lib/figures';

describe('bench figures (the one table of npm run bench)', () => {
  it('pairs runs taken side by side for the per-run ratio range', () => {
    // Medians 4 and 2 → 2×; per run 3/1, 4/2, 6/3 → 2–3×.
    expect(ratioOf([3, 4, 6], [1, 2, 3])).toEqual({ median: 2, lo: 2, hi: 3 });
    // Unpaired (different counts): only the ratio of medians.
    expect(ratioOf([4], [1, 2, 3])).toEqual({ median: 2, lo: 2, hi: 2 });
  });

  it('prints each figure beside every anchor, with its spread, ratio and target', () => {
    const figures: Figure[] = [
      {
        section: 'convert',
        label: 'CSV → Parquet',
        unit: 'ms',
        runs: [2400, 2500, 2600],
        anchors: [
          { label: 'native t1', runs: [2000, 2000, 2000] },
          { label: 'native t2', runs: [1000, 1250, 1300] },
        ],
        target: '≤ 1.2× native t1',
      },
      {
        section: 'main thread',
        label: 'long tasks converting',
        unit: 'longtask',
        runs: [0, 120],
        counts: [0, 2],
        culprits: ['DIV.onscroll (app.js:12) 120 ms'],
        target: 'none over 50 ms',
      },
    ];
    const lines = figureTable(figures).split('\n');
    const t1 = lines.find((l) => l.includes('native t1'))!;
    expect(t1).toMatch(
      /CSV → Parquet\s+2\.50 s\s+2\.40–2\.60\s+native t1\s+2\.00 s\s+2\.00–2\.00\s+1\.25×\s+1\.20–1\.30×\s+≤ 1\.2× native t1/,
    );
    const t2 = lines.find((l) => l.includes('native t2'))!;
    expect(t2).toMatch(/^\s+native t2\s+1\.25 s\s+1\.00–1\.30\s+2\.00×\s+2\.00–2\.40×$/);
    expect(lines).toContain('main thread');
    expect(lines.find((l) => l.includes('long tasks converting'))).toMatch(
      /60 ms\s+0–120.*none over 50 ms; 1 tasks > 50 ms \(runs 0 \/ 2\)/,
    );
    expect(lines.some((l) => l.trim() === 'DIV.onscroll (app.js:12) 120 ms')).toBe(true);
  });

  it('keeps each benchmark’s figures in its own file, replaced by its next run', async () => {
    const out = await mkdtemp(join(tmpdir(), 'decant-figures-'));
    try {
      const f = (ms: number): Figure => ({ section: 's', label: 'x', unit: 'ms', runs: [ms] });
      await writeFigures(out, 'one', [f(1)]);
      await writeFigures(out, 'two', [f(2)]);
      await writeFigures(out, 'one', [f(3)]);
      const read = await readFigures(out);
      expect(read.map((b) => [b.bench, b.figures[0]!.runs[0]])).toEqual([
        ['one', 3],
        ['two', 2],
      ]);
      expect(read[0]!.load).toHaveLength(3);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
