// `tsx bench/table-profile.ts`: a table's full profile (src/quality/profile: three passes, every
// column at once) over the orders CSV, computed as the tab computes it — the engine worker's
// host class on DuckDB-WASM's Node bundle, through qualityQueries — against native DuckDB
// `threads=1` running the very same three statements. Also times the catalog's one-pass column
// statistics and a profile of the first 20,000 rows. Prints medians and ratios; asserts nothing
// about time. Fails when native and the tab disagree on a measured value.
//
// Environment: BENCH_ROWS (default 1,000,000; ~11,000,000 rows make the 1 GB table), BENCH_RUNS
// (default 3).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import type { CsvDialect } from '../src/core/csv/dialect';
import { quoteLiteral } from '../src/core/sql/quote';
import type { QualityEngine } from '../src/quality/evaluate/evaluate-ruleset';
import { computeProfile } from '../src/quality/profile/compute-profile';
import type { TableProfile } from '../src/quality/profile/model';
import { createNodeEngineHost, DiskFile } from '../test/support/engine-host';
import { ensureCsv } from './lib/csv';
import { count, megabytes, ratio, seconds, series, timed } from './lib/stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench', 'out');
const log = (msg: string) => console.log(`[bench:profile] ${msg}`);

const CSV: CsvDialect = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  header: true,
  encoding: 'utf-8',
  decimalSeparator: '.',
  compression: 'none',
};
const ORDERS = [
  ['order_id', 'BIGINT'],
  ['customer_id', 'BIGINT'],
  ['amount', 'DOUBLE'],
  ['discount', 'DOUBLE'],
  ['created_at', 'TIMESTAMP'],
  ['shipped_at', 'TIMESTAMP'],
  ['country', 'VARCHAR'],
  ['status', 'VARCHAR'],
  ['channel', 'VARCHAR'],
  ['is_member', 'BOOLEAN'],
  ['quantity', 'BIGINT'],
  ['coupon', 'VARCHAR'],
].map(([name, type]) => ({ name: name!, type: type! }));

/** A file known by its path only: the Node host registers it by path, never reading it here. */
class PathFile extends DiskFile {
  constructor(path: string) {
    super(join(ROOT, 'package.json'), 'orders.csv');
    Object.defineProperty(this, 'diskPath', { value: path });
  }
}

function positiveIntFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

async function main(): Promise<void> {
  const rows = positiveIntFromEnv('BENCH_ROWS', 1_000_000);
  const runs = positiveIntFromEnv('BENCH_RUNS', 3);
  await mkdir(OUT, { recursive: true });
  const csv = await ensureCsv(OUT, rows);
  log(
    `${csv.reused ? 'reusing' : 'generated'} ${csv.path} (${count(rows)} rows, ${megabytes(csv.bytes)})`,
  );

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

  const stats: number[] = [];
  const full: number[] = [];
  const first: number[] = [];
  let profile: TableProfile | undefined;
  let fullStatements: string[] = [];
  for (let r = 0; r < runs; r++) {
    stats.push((await timed(() => host.columnStatistics('bench', 'orders'))).ms);
    statements = [];
    const t = await timed(() => profileOnce());
    full.push(t.ms);
    profile = t.value;
    fullStatements = statements;
    first.push((await timed(() => profileOnce({ kind: 'first', rows: 20_000 }))).ms);
  }

  // Native DuckDB, one thread, the same view and the same three statements.
  const native = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
  const types = `{${ORDERS.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}}`;
  await native.run('CREATE SCHEMA bench');
  await native.run(
    `CREATE VIEW bench.orders AS SELECT * FROM read_csv(${quoteLiteral(csv.path)}, header = true, columns = ${types})`,
  );
  const nativeRuns: number[] = [];
  let nativeFirst: Record<string, unknown> = {};
  for (let r = 0; r < runs; r++) {
    const t = await timed(async () => {
      const out: Record<string, unknown>[] = [];
      for (const s of fullStatements)
        out.push((await native.runAndReadAll(s)).getRowObjectsJson()[0] as Record<string, unknown>);
      return out;
    });
    nativeRuns.push(t.ms);
    nativeFirst = t.value[0]!;
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
  const n = series(nativeRuns);
  const h = series(first);
  log(`column statistics (one pass, tab):        ${seconds(s.median)}`);
  log(`full profile, ${p.passes} passes (tab):            ${seconds(f.median)}`);
  log(`full profile, same SQL, native threads=1: ${seconds(n.median)}`);
  log(`ratio tab / native:                       ${ratio(f.median, n.median)}`);
  log(`profile of the first 20,000 rows (tab):   ${seconds(h.median)}`);
  log(`profile / column statistics:              ${ratio(f.median, s.median)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
