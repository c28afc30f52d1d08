// Exports and materializing on DuckDB-WASM's Node bundle, the catalog on fake-indexeddb, OPFS
// and picked folders on disk; the Parquet checked by native DuckDB.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';
import { DecantError } from '../../src/core/errors';
import { exportRows, type ExportDeps, type ExportRequest } from '../../src/jobs/export-data';
import { materializeTable } from '../../src/jobs/materialize';
import { nativeRead } from '../support/native-duckdb';
import type { NodeEngine } from '../support/node-engine';
import { diskDirectory, filesUnder } from './run/disk-handles';
import { runWorld, startNodeEngine, type RunWorld } from './run/run-support';

let engine: NodeEngine;
beforeAll(async () => {
  engine = await startNodeEngine();
});

async function attached(w: RunWorld) {
  const t = (await w.catalog.getTable('shop', 'sales'))!;
  expect(await w.catalog.attach(t)).toEqual({ kind: 'attached' });
  return t;
}

function deps(w: RunWorld): ExportDeps & { saved: Map<string, Blob> } {
  const saved = new Map<string, Blob>();
  return {
    saved,
    engine: w.jobEngine,
    opfsRoot: async () => diskDirectory(join(w.dir, 'opfs'), ''),
    download: (blob, name) => void saved.set(name, blob),
  };
}

const salesRequest = (over: Partial<ExportRequest> = {}): ExportRequest => ({
  sql: 'SELECT * FROM shop.sales ORDER BY id',
  name: 'sales',
  what: 'table "shop"."sales"',
  format: { kind: 'parquet', compression: 'zstd' },
  destination: { kind: 'opfs' },
  ...over,
});

describe('exportRows', () => {
  it('writes a table as Parquet into the browser storage, read back whole by native DuckDB', async () => {
    const w = await runWorld(engine);
    await attached(w);
    const progress: number[] = [];
    const r = await exportRows(
      salesRequest(),
      deps(w),
      (p) => progress.push(p.rows),
      new AbortController().signal,
    );
    expect(r).toMatchObject({ rows: 5, label: 'opfs:exports/sales.parquet' });
    expect(progress.at(-1)).toBe(5);
    const path = join(w.dir, 'opfs', 'exports', 'sales.parquet');
    const read = await nativeRead(`read_parquet(${quoteLiteral(path)})`);
    expect(read.columns.map((c) => c[0])).toEqual(['id', 'sku', 'price', 'year', 'month']);
    expect(read.rows.map((x) => Number(x.id))).toEqual([1, 2, 3, 4, 5]);
    // A second export of the same name does not overwrite the first.
    const again = await exportRows(salesRequest(), deps(w), () => {}, new AbortController().signal);
    expect(again.fileName).toBe('sales-2.parquet');
    expect(await filesUnder(join(w.dir, 'opfs', 'exports'))).toEqual([
      'sales-2.parquet',
      'sales.parquet',
    ]);
  });

  it('downloads NDJSON and CSV with every row, and writes into a picked folder', async () => {
    const w = await runWorld(engine);
    await attached(w);
    const d = deps(w);
    const signal = new AbortController().signal;
    const sql = 'SELECT id, sku FROM shop.sales WHERE id <= 2 ORDER BY id';
    await exportRows(
      salesRequest({ sql, format: { kind: 'ndjson' }, destination: { kind: 'download' } }),
      d,
      () => {},
      signal,
    );
    expect(await d.saved.get('sales.ndjson')!.text()).toBe(
      '{"id":1,"sku":"a"}\n{"id":2,"sku":"b"}\n',
    );
    await exportRows(
      salesRequest({ sql, format: { kind: 'csv' }, destination: { kind: 'download' } }),
      d,
      () => {},
      signal,
    );
    expect((await d.saved.get('sales.csv')!.text()).split(/\r?\n/)).toEqual([
      'id,sku',
      '1,a',
      '2,b',
      '',
    ]);
    mkdirSync(join(w.dir, 'picked'), { recursive: true });
    const folder = await diskDirectory(join(w.dir, 'picked'), 'picked');
    const r = await exportRows(
      salesRequest({
        sql,
        name: 'two/rows',
        format: { kind: 'csv' },
        destination: { kind: 'folder', folder },
      }),
      d,
      () => {},
      signal,
    );
    expect(r.label).toBe('folder:picked/two_rows.csv');
    expect(readFileSync(join(w.dir, 'picked', 'two_rows.csv'), 'utf8')).toContain('2,b');
  });

  it('a query that fails says what failed, and writes nothing', async () => {
    const w = await runWorld(engine);
    await attached(w);
    const err = await exportRows(
      salesRequest({ sql: 'SELECT nope FROM shop.sales', what: 'the query' }),
      deps(w),
      () => {},
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecantError);
    expect((err as DecantError).message).toMatch(/^export: the query cannot be read: .*nope/);
    expect(existsSync(join(w.dir, 'opfs', 'exports'))).toBe(false);
  });

  it('a cancel stops the engine work and leaves no file', async () => {
    const w = await runWorld(engine);
    await attached(w);
    const c = new AbortController();
    const err = await exportRows(
      salesRequest({ sql: 'SELECT a.* FROM shop.sales a, range(200000) r' }),
      deps(w),
      (p) => p.rows > 0 && c.abort(),
      c.signal,
    ).catch((e: unknown) => e);
    expect((err as DecantError).code).toBe('cancelled');
    expect(
      await filesUnder(join(w.dir, 'opfs')).then((f) => f.filter((x) => x.startsWith('exports'))),
    ).toEqual([]);
  });
});

describe('materializeTable', () => {
  it('rewrites a partitioned CSV table as Parquet: same rows, key=value folders, the CSV archived', async () => {
    const w = await runWorld(engine);
    const before = await attached(w);
    const root = await diskDirectory(join(w.dir, 'opfs'), '');
    const done = await materializeTable(
      'shop',
      'sales',
      { kind: 'opfs', root },
      { engine: w.jobEngine, catalog: w.catalog },
      () => {},
      new AbortController().signal,
    );
    expect(done.rows).toBe(5);
    const t = (await w.cat.store.getTable('shop', 'sales'))!;
    expect(t.classification).toBe('parquet');
    expect(t.version).toBe(before.version + 1);
    expect(t.columns).toEqual(before.columns);
    expect(t.parameters).toMatchObject({ recordCount: 5, compression: 'zstd' });
    expect(t.parameters.delimiter).toBeUndefined();
    expect(t.sources.map((s) => s.path.replace(/part-.*$/, 'part'))).toEqual([
      'year=2024/month=01/part',
      'year=2024/month=02/part',
      'year=2025/month=01/part',
    ]);
    expect(t.sources.every((s) => s.kind === 'file-handle' && s.path.endsWith('.parquet'))).toBe(
      true,
    );
    const versions = await w.cat.store.listVersions('shop', 'sales');
    expect(versions[0]!.snapshot.classification).toBe('csv');
    expect(versions[0]!.reason).toMatch(/materialized as Parquet/);
    const folder = done.label.replace(/^opfs:/, '');
    const read = await nativeRead(
      `read_parquet(${quoteLiteral(join(w.dir, 'opfs', folder, '**/*.parquet'))}, hive_partitioning = true)`,
    );
    const rows = read.rows
      .map((r) => [Number(r.id), Number(r.year), Number(r.month)])
      .sort((a, b) => a[0]! - b[0]!);
    expect(rows).toEqual([
      [1, 2024, 1],
      [2, 2024, 1],
      [3, 2024, 2],
      [4, 2025, 1],
      [5, 2025, 1],
    ]);
    // The archived CSV definition still finds its partition values after a restore.
    const partitions = await w.cat.store.listPartitions('shop', 'sales');
    expect(partitions.flatMap((p) => p.files).filter((f) => f.endsWith('.csv'))).toHaveLength(3);
  });

  it('a catalog write that fails leaves the table as it was and removes the Parquet', async () => {
    const w = await runWorld(engine);
    await attached(w);
    const root = await diskDirectory(join(w.dir, 'opfs'), '');
    const catalog = {
      ...w.catalog,
      commitTables: () => Promise.reject(new DecantError('catalog: the disk is full')),
    };
    const err = await materializeTable(
      'shop',
      'sales',
      { kind: 'opfs', root },
      { engine: w.jobEngine, catalog },
      () => {},
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe('catalog: the disk is full');
    expect((await w.cat.store.getTable('shop', 'sales'))!.classification).toBe('csv');
    expect(await filesUnder(join(w.dir, 'opfs', 'decant-parquet')).catch(() => [])).toEqual([]);
  });
});
