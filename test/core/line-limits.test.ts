import { describe, expect, it } from 'vitest';
import {
  firstLineProblem,
  MAX_CSV_COLUMNS,
  MAX_LINE_BYTES,
  needsLongerHead,
} from '../../src/core/csv/line-limits';

describe('first-line limits', () => {
  it('passes ordinary files', () => {
    expect(firstLineProblem('a,b,c\n1,2,3\n', true, 12)).toBeNull();
    expect(firstLineProblem('a;b\n1;2\n', false, 262_144)).toBeNull();
  });

  it('states the column limit for a header wider than it, before DuckDB runs out of memory', () => {
    const wide = Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',');
    expect(firstLineProblem(`${wide}\n1\n`, true, wide.length + 3)).toBe(
      'line 1 has 100,000 fields; Decant reads at most 20,000 columns per file',
    );
    // Cut by the sample: the count is a lower bound and says so.
    expect(firstLineProblem(wide.slice(0, 200_000), false, 200_000)).toMatch(
      /^line 1 has more than [\d,]+ fields/,
    );
    const fits = Array.from({ length: MAX_CSV_COLUMNS }, () => 'x').join('\t');
    expect(firstLineProblem(`${fits}\n`, true, fits.length + 1)).toBeNull();
  });

  it('names a line longer than DuckDB reads, once enough of it was read', () => {
    const line = 'x'.repeat(MAX_LINE_BYTES);
    expect(needsLongerHead(line.slice(0, 262_144), false, 262_144)).toBe(true);
    expect(firstLineProblem(line.slice(0, 262_144), false, 262_144)).toBeNull();
    expect(needsLongerHead(line, false, MAX_LINE_BYTES)).toBe(false);
    expect(firstLineProblem(line, false, MAX_LINE_BYTES)).toMatch(
      /^line 1 is longer than 2,000,000 bytes with no line break/,
    );
    // A whole file of one line is DuckDB's to read.
    expect(firstLineProblem('a,b', true, 3)).toBeNull();
  });
});
