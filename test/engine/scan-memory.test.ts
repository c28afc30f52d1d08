// A conversion's scan must not grow DuckDB-WASM's memory, which is never given back to the tab:
// with DuckDB's default 32 MB CSV buffers (two held where one ends and the next begins), a
// scan of a ~50 MB CSV grew it by 42 MB past what inspecting the file had taken; with
// CSV_STREAM_BUFFER_BYTES it stays within what the inspection left. A fresh engine of its own,
// so what other tests grew does not hide the growth.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanPlan } from '../../src/engine/protocol';
import { inspectCsv } from '../../workers/engine/inspect-csv';
import { activeRuntime } from '../../workers/engine/runtime-hooks';
import { scanCsv, type BatchSink } from '../../workers/engine/scan-csv';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { sourceFor } from '../support/fixtures';

const ROWS = 1_000_000;
const MB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'decant-scan-memory-'));
const csv = join(dir, 'orders.csv');
let engine: NodeEngine;
/** DuckDB's wasm module, learnt from its first file read (its memory's size is read from it). */
let wasm: { HEAPU8: Uint8Array } | null = null;

beforeAll(async () => {
  const lines = ['order_id,customer_id,amount,created_at,country,status'];
  for (let i = 0; i < ROWS; i++)
    lines.push(
      `${i + 1},${(i * 7919) % 50_000},${((i * 37) % 200_000) / 100},` +
        `2024-0${1 + (i % 9)}-1${i % 10} 1${i % 10}:2${i % 10}:00,` +
        `${['DE', 'FR', 'US', 'JP'][i % 4]},${['paid', 'shipped', 'returned'][i % 3]}`,
    );
  writeFileSync(csv, lines.join('\n') + '\n');
  engine = await startNodeEngine();
  const rt = activeRuntime();
  const read = rt.readFile.bind(rt);
  rt.readFile = (mod, ...rest) => {
    wasm = mod as unknown as { HEAPU8: Uint8Array };
    return read(mod, ...rest);
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Takes every batch at once, as a fast encoder would: only the scan's own memory is measured. */
function drain(): BatchSink & { rows: number } {
  return {
    rows: 0,
    send(msg) {
      if (msg.t === 'batch') this.rows += msg.rows;
    },
    room: () => Promise.resolve(),
  };
}

describe('scanCsv memory', () => {
  it('streams a ~50 MB CSV without growing DuckDB-WASM memory past the inspection', async () => {
    const src = sourceFor(engine, csv);
    const found = inspectCsv(engine.s, src, {});
    const before = wasm!.HEAPU8.length;
    const plan: ScanPlan = {
      fileId: src.fileId,
      dialect: found.dialect,
      columns: found.columns,
      badRows: 'error',
    };
    const sink = drain();
    const result = await scanCsv(engine.s, engine.tracker, src, plan, sink, {
      cancelled: () => false,
      onProgress: () => {},
    });
    expect(src.size).toBeGreaterThan(45 * MB);
    expect(result.rowsRead).toBe(ROWS);
    expect(sink.rows).toBe(ROWS);
    // Measured on this ~50 MB file: +0 MB with 16 MB buffers, +42 MB with DuckDB's 32 MB ones.
    expect(wasm!.HEAPU8.length - before).toBeLessThan(16 * MB);
  });
});
