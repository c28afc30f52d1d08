// Streamed output larger than the process could hold: a Node with a 64 MB heap encodes ~214 MB
// of Parquet through encodeBatches into a file sink. Gathering the output in memory (as the
// encoder did before, and as the 'blob' sink still does for downloads) grows the process by the
// output's size and fails the memory check; a short or wrong file fails native DuckDB's read.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';

const ROWS = 1_000_000;
const HEAP_MB = 64;
const child = fileURLToPath(new URL('./streamed-output-child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'decant-streamed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ChildReport {
  rowsWritten: number;
  rowsInFooter: number;
  rowGroups: number;
  bytes: number;
  peakRss: number;
  settled: { rss: number; bytes: number } | null;
  firstLetters: number;
}

async function encodeInSmallHeap(out: string): Promise<ChildReport> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', child, out, String(ROWS), 'file'],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildReport;
}

describe('streamed Parquet output', () => {
  it('writes a file several times larger than the heap, row group by row group, never whole in memory', async () => {
    const out = join(dir, 'big.parquet');
    const r = await encodeInSmallHeap(out);
    expect(r.rowsWritten).toBe(ROWS);
    expect(r.rowsInFooter).toBe(ROWS);
    // DuckDB's row group size by default.
    expect(r.rowGroups).toBe(Math.ceil(ROWS / 122_880));
    expect(statSync(out).size).toBe(r.bytes);
    expect(r.bytes).toBeGreaterThan(3 * HEAP_MB * 2 ** 20);
    // After the first row groups, memory stays put while the rest of the output is written.
    expect(r.settled).not.toBeNull();
    const grown = r.peakRss - r.settled!.rss;
    expect(grown).toBeLessThan((r.bytes - r.settled!.bytes) / 2);

    const c = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
    const at = `read_parquet(${quoteLiteral(out)})`;
    const [row] = (
      await c.runAndReadAll(
        `SELECT count(*)::BIGINT AS n, sum(id)::BIGINT AS ids, ` +
          `sum(ascii(payload))::BIGINT AS letters, min(length(payload)) AS w FROM ${at}`,
      )
    ).getRowObjectsJson();
    expect(row).toEqual({
      n: String(ROWS),
      ids: String((ROWS * (ROWS - 1)) / 2),
      letters: String(r.firstLetters),
      w: '200',
    });
    const groups = (
      await c.runAndReadAll(
        `SELECT max(row_group_num_rows) AS most, count(DISTINCT row_group_id) AS groups ` +
          `FROM parquet_metadata(${quoteLiteral(out)})`,
      )
    ).getRowObjectsJson();
    expect(groups).toEqual([{ most: '122880', groups: String(r.rowGroups) }]);
    c.closeSync();
  }, 300_000);
});
