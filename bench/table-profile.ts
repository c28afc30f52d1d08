// `tsx bench/table-profile.ts` (part of `npm run bench`): a table's full profile
// (src/quality/profile: its passes, every column at once) over the orders CSV, computed as the
// tab computes it — the engine worker's host class on DuckDB-WASM's Node bundle, through
// qualityQueries — against native DuckDB threads=1 and threads=2 running the very same
// statements on the same read_csv view, interleaved run by run. Also times the catalog's one-pass
// column statistics and a profile of the first 20,000 rows. Writes the figures for
// bench/summary.ts; asserts nothing about time. Fails when native and the tab disagree on a
// measured value.
//
// Environment: BENCH_ROWS (default 1,000,000 rows, ~90 MB; BENCH_ROWS=11000000 makes the 1 GB
// table), BENCH_RUNS (default 3).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { readCsvSql } from '../src/core/sql/read-csv';
import type { QualityEngine } from '../src/quality/evaluate/evaluate-ruleset';
import { computeProfile } from '../src/quality/profile/compute-profile';
import type { TableProfile } from '../src/quality/profile/model';
import { createNodeEngineHost } from '../test/support/engine-host';
import { ensureCsv } from './lib/csv';
import { writeFigures } from './lib/figures';
import {
  ORDERS_COLUMNS as ORDERS,
  ORDERS_DIALECT as CSV,
  PathFile,
  positiveIntFromEnv,
  warmPageCache,
} from './lib/orders-table';
import { count, megabytes, ratio, seconds, series, timed } from './lib/stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench', 'out');
const log = (msg: string) => console.log(`[bench:profile] ${msg}`);

async function main(): Promise<void> {
  const rows = positiveIntFromEnv('BENCH_ROWS', 1_000_000);
  const runs = positiveIntFromEnv('BENCH_RUNS', 3);
  await mkdir(OUT, { recursive: true });
  const csv = await ensureCsv(OUT, rows);
  log(
    `${csv.reused ? 'reusing' : 'generated'} ${csv.path} (${count(rows)} rows, ${megabytes(csv.bytes)})`,
  );

  await warmPageCache(csv.path);
  const host = createNodeEngineHost();
  await host.attachTable({
    database: 'bench',
    name: 'orders',
    classification: 'csv',
    dialect: CSV,
    columns: ORDERS,
    partitionKeys: [],
    files: [{ path: 'orders.csv', file: new PathFile(csv.path), partitionValues: [] }],
  });
  let task = 0;
  let statements: string[] = [];
  const engine: QualityEngine = {
    qualityQueries: (queries, onProgress) => {
      statements.push(...queries);
      return host.qualityQueries(`b${++task}`, queries, onProgress);
    },
  };
  const profileOnce = (sample?: { kind: 'first'; rows: number }) =>
    computeProfile(engine, {
      table: { database: 'bench', name: 'orders' },
      columns: ORDERS,
      sample,
      stamp: 'bench',
      tableVersion: 1,
    });

  // Native DuckDB, threads=1 and threads=2, on the same read_csv view as the engine worker's.
  const natives = await Promise.all(
    [1, 2].map(async (threads) => {
      const conn = await (
        await DuckDBInstance.create(':memory:', { threads: String(threads) })
      ).connect();
      await conn.run('CREATE SCHEMA bench');
      await conn.run(
        `CREATE VIEW bench.orders AS SELECT * FROM ${readCsvSql(csv.path, CSV, ORDERS)}`,
      );
      return conn;
    }),
  );
  const replay = async (i: number, statements: string[]) => {
    const out: Record<string, unknown>[] = [];
    for (const s of statements)
      out.push(
        (await natives[i]!.runAndReadAll(s)).getRowObjectsJson()[0] as Record<string, unknown>,
      );
    return out;
  };

  // Interleaved run by run (tab, native t1, native t2), so a busy moment skews all three alike.
  const stats: number[] = [];
  const full: number[] = [];
  const first: number[] = [];
  const native1: number[] = [];
  const native2: number[] = [];
  let profile: TableProfile | undefined;
  let fullStatements: string[] = [];
  let nativeFirst: Record<string, unknown> = {};
  for (let r = 0; r < runs; r++) {
    stats.push((await timed(() => host.columnStatistics('bench', 'orders'))).ms);
    statements = [];
    const t = await timed(() => profileOnce());
    full.push(t.ms);
    profile = t.value;
    fullStatements = [...statements];
    const n1 = await timed(() => replay(0, fullStatements));
    native1.push(n1.ms);
    nativeFirst = n1.value[0]!;
    native2.push((await timed(() => replay(1, fullStatements))).ms);
    first.push((await timed(() => profileOnce({ kind: 'first', rows: 20_000 }))).ms);
  }
  // The measured values agree (the exact ones; approx_* estimates may differ between versions).
  const p = profile!;
  if (Number(nativeFirst.rows) !== p.rowCount)
    throw new Error(`rows: native ${String(nativeFirst.rows)}, tab ${p.rowCount}`);
  p.columns.forEach((c, i) => {
    const nulls = p.rowCount - Number(nativeFirst[`n${i}`]);
    if (nulls !== c.nulls) throw new Error(`${c.column} nulls: native ${nulls}, tab ${c.nulls}`);
    const mean = nativeFirst[`mean${i}`];
    if (mean != null && Math.abs(Number(mean) - c.mean!) > 1e-6 * Math.abs(c.mean!) + 1e-9)
      throw new Error(`${c.column} mean: native ${String(mean)}, tab ${c.mean}`);
  });

  const s = series(stats);
  const f = series(full);
  const n = series(native1);
  const h = series(first);
  log(`column statistics (one pass, tab):        ${seconds(s.median)}`);
  log(`full profile, ${p.passes} passes (tab):            ${seconds(f.median)}`);
  log(`full profile, same SQL, native threads=1: ${seconds(n.median)}`);
  log(`full profile, same SQL, native threads=2: ${seconds(series(native2).median)}`);
  log(`ratio tab / native t1:                    ${ratio(f.median, n.median)}`);
  log(`profile of the first 20,000 rows (tab):   ${seconds(h.median)}`);
  log(`profile / column statistics:              ${ratio(f.median, s.median)}`);
  await writeFigures(OUT, 'profile', [
    {
      section: 'quality',
      label: `full profile, ${count(rows)} rows, engine path in Node`,
      unit: 'ms',
      runs: full,
      anchors: [
        { label: 'native t1', runs: native1 },
        { label: 'native t2', runs: native2 },
      ],
      note: `same SQL: ${fullStatements.length} statements (${p.passes} passes over the table)`,
    },
    { section: 'quality', label: 'profile of the first 20,000 rows', unit: 'ms', runs: first },
    { section: 'quality', label: 'column statistics (one pass)', unit: 'ms', runs: stats },
  ]);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
