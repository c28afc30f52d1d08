import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as pw from 'parquet-wasm/node';
import { DuckDBInstance } from '@duckdb/node-api';
import { inspectCsv } from '../../workers/engine/inspect-csv';
import { scanCsv } from '../../workers/engine/scan-csv';
import { encodeBatches } from '../../workers/parquet/encode-batches';
import type { BadRowPolicy } from '../../src/core/csv/dialect';
import type { ParquetCompression, ScanPlan } from '../../src/engine/protocol';
import { DecantError } from '../../src/core/errors';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import { fixturePath, sourceFor } from '../support/fixtures';
import { batchPipe } from '../support/batch-pipe';

let engine: NodeEngine;
const out = mkdtempSync(join(tmpdir(), 'decant-convert-'));
beforeAll(async () => {
  engine = await startNodeEngine();
});

/** Native DuckDB (not the wasm build) reads what we wrote: an independent check. */
async function readBack(bytes: Uint8Array, sql = 'SELECT * FROM t') {
  const file = join(out, `r${Math.random().toString(36).slice(2)}.parquet`);
  writeFileSync(file, bytes);
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  await c.run(`CREATE VIEW t AS SELECT * FROM '${file}'`);
  const rows = (await c.runAndReadAll(sql)).getRowObjectsJson();
  const types = (await c.runAndReadAll('DESCRIBE t'))
    .getRowObjectsJson()
    .map((r) => [r.column_name, r.column_type]);
  return { rows, types };
}

async function convert(
  path: string,
  opts: {
    compression?: ParquetCompression;
    badRows?: BadRowPolicy;
    widen?: string[];
    cancelAfterRows?: number;
  } = {},
) {
  const src = sourceFor(engine, path);
  const found = inspectCsv(engine.s, src, { badRows: opts.badRows });
  const plan: ScanPlan = {
    fileId: src.fileId,
    dialect: found.dialect,
    columns: found.columns.map((c) =>
      opts.widen?.includes(c.name) ? { ...c, type: 'VARCHAR' } : c,
    ),
    badRows: opts.badRows ?? 'error',
  };
  const pipe = batchPipe();
  let rowsSeen = 0;
  const encoding = encodeBatches(
    pw,
    pipe.source,
    { compression: opts.compression ?? 'zstd', rowGroupSize: 10_000 },
    () => {},
  );
  const scanning = scanCsv(engine.s, engine.tracker, src, plan, pipe.sink, {
    cancelled: () => opts.cancelAfterRows !== undefined && rowsSeen >= opts.cancelAfterRows,
    onProgress: (p) => (rowsSeen = p.rowsRead),
  });
  const [scan, encode] = await Promise.allSettled([scanning, encoding]);
  return { scan, encode, found, maxQueued: pipe.maxQueued() };
}

describe('scanCsv → encodeBatches', () => {
  it('writes events.tsv with its types and NULLs, and native DuckDB reads the same', async () => {
    const r = await convert(fixturePath('events.tsv'));
    expect(r.scan.status).toBe('fulfilled');
    if (r.encode.status !== 'fulfilled' || r.scan.status !== 'fulfilled') throw new Error('failed');
    expect(r.scan.value.rowsRead).toBe(3);
    expect(r.encode.value.rowsInFooter).toBe(3);
    const back = await readBack(new Uint8Array(await r.encode.value.blob.arrayBuffer()));
    expect(back.types).toEqual([
      ['ts', 'TIMESTAMP'],
      ['user_id', 'BIGINT'],
      ['active', 'BOOLEAN'],
      ['score', 'DOUBLE'],
    ]);
    expect(back.rows).toEqual([
      { ts: '2024-03-01 10:00:00', user_id: '17', active: true, score: 0.5 },
      { ts: '2024-03-01 10:05:30', user_id: '18', active: false, score: null },
      { ts: '2024-03-02 23:59:59', user_id: null, active: true, score: 1.25 },
    ]);
  });

  it.each(['zstd', 'snappy', 'gzip', 'none'] as const)(
    'writes %s-compressed Parquet',
    async (codec) => {
      const r = await convert(fixturePath('late-string.csv'), {
        compression: codec,
        widen: ['code'],
      });
      if (r.encode.status !== 'fulfilled') throw r.encode.reason;
      const bytes = new Uint8Array(await r.encode.value.blob.arrayBuffer());
      const back = await readBack(bytes, 'SELECT count(*)::INT AS n, max(id)::INT AS top FROM t');
      expect(back.rows).toEqual([{ n: 30001, top: 30001 }]);
      const file = join(out, `codec-${codec}.parquet`);
      writeFileSync(file, bytes);
      const c = await (await DuckDBInstance.create(':memory:')).connect();
      const meta = (
        await c.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata('${file}')`)
      ).getRowObjectsJson();
      expect(meta).toEqual([
        { compression: codec === 'none' ? 'UNCOMPRESSED' : codec.toUpperCase() },
      ]);
    },
  );

  it('late-string.csv: the sample says BIGINT, line 30002 says otherwise: a precise error, nothing written', async () => {
    const r = await convert(fixturePath('late-string.csv'));
    expect(r.found.columns[1]).toEqual({ name: 'code', type: 'BIGINT' });
    expect(r.scan.status).toBe('rejected');
    expect(r.encode.status).toBe('rejected');
    const e = (r.scan as PromiseRejectedResult).reason as DecantError;
    expect(e.code).toBe('cast');
    expect(e.line).toBe(30002);
    expect(e.column).toBe('code');
    expect(e.message).toContain(
      'csv: "late-string.csv": line 30002: column "code": "N/A" is not a BIGINT',
    );
  });

  it('keeps at most a few batches in flight (backpressure), and reads the file to its end', async () => {
    const r = await convert(fixturePath('late-string.csv'), { widen: ['code'] });
    if (r.scan.status !== 'fulfilled') throw r.scan.reason;
    expect(r.scan.value.bytesRead).toBe(363042);
    expect(r.maxQueued).toBeLessThanOrEqual(3);
  });

  it('cancel stops the scan and the encoder; no file comes out', async () => {
    const big = join(out, 'cancel.csv');
    writeFileSync(
      big,
      'n,s\n' + Array.from({ length: 200_000 }, (_, i) => `${i},row ${i}`).join('\n') + '\n',
    );
    const r = await convert(big, { cancelAfterRows: 1 });
    expect(r.scan.status).toBe('rejected');
    expect(((r.scan as PromiseRejectedResult).reason as DecantError).code).toBe('cancelled');
    expect(r.encode.status).toBe('rejected');
  });

  it('ragged.csv with "skip" writes the good rows and counts the skipped ones', async () => {
    const r = await convert(fixturePath('ragged.csv'), { badRows: 'skip' });
    if (r.scan.status !== 'fulfilled' || r.encode.status !== 'fulfilled') throw new Error('failed');
    expect(r.scan.value).toMatchObject({ rowsRead: 2, rowsSkipped: 2 });
  });

  it('reads gzip-compressed CSV', async () => {
    const gz = join(out, 'events.tsv.gz');
    const plain = await import('node:fs').then((fs) => fs.readFileSync(fixturePath('events.tsv')));
    writeFileSync(gz, gzipSync(plain));
    const e = engine;
    const id = 'gz1';
    e.register(`f${id}.csv.gz`, gz);
    const src = {
      fileId: id,
      path: `f${id}.csv.gz`,
      name: 'events.tsv.gz',
      size: gzipSync(plain).length,
      head: new Uint8Array(plain),
      headSpan: gzipSync(plain).length,
      headIsWhole: true,
      gzip: true,
    };
    const found = inspectCsv(e.s, src);
    expect(found.dialect.compression).toBe('gzip');
    expect(found.columns.map((c) => c.type)).toEqual(['TIMESTAMP', 'BIGINT', 'BOOLEAN', 'DOUBLE']);
    expect(found.rowCount).toBe(3);
  });
});
