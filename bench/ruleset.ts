// `tsx bench/ruleset.ts` (part of `npm run bench`): a DQDL ruleset of 20 rules (bench/lib/ruleset.ts)
// evaluated over the orders CSV the way the table page's Run does it — the table attached to the
// engine worker's host class (DuckDB-WASM's Node bundle), its columns DESCRIBEd, then the app's
// evaluateRuleset (the measuring round, then the failing-row samples) — against native DuckDB
// running the very same statements (the compiler's, checked equal to what the tab sent) with
// threads=1 and threads=2, interleaved run by run. Writes the figures for bench/summary.ts.
// Fails when native and the tab disagree on a measured value; asserts nothing about time.
//
// Environment: BENCH_ROWS (default 1,000,000 rows, ~90 MB; BENCH_ROWS=11000000 makes the 1 GB
// table), BENCH_RUNS (default 3).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { readCsvSql } from '../src/core/sql/read-csv';
import type { QualityQueryResult } from '../src/engine/protocol';
import { evaluateRuleset, type QualityEngine } from '../src/quality/evaluate/evaluate-ruleset';
import type { EvaluationRecord } from '../src/quality/model';
import { createNodeEngineHost } from '../test/support/engine-host';
import { ensureCsv } from './lib/csv';
import { writeFigures } from './lib/figures';
import {
  ORDERS_COLUMNS,
  ORDERS_DIALECT,
  PathFile,
  positiveIntFromEnv,
  warmPageCache,
} from './lib/orders-table';
import { BENCH_RULESET, measureQueries, resultDifferences } from './lib/ruleset';
import { count, megabytes, ratio, seconds, series, timed } from './lib/stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench', 'out');
const TABLE = { database: 'bench', name: 'orders' };
const log = (msg: string) => console.log(`[bench:ruleset] ${msg}`);

async function nativeOrders(threads: number, path: string): Promise<DuckDBConnection> {
  const conn = await (
    await DuckDBInstance.create(':memory:', { threads: String(threads) })
  ).connect();
  await conn.run('CREATE SCHEMA bench');
  // The same read_csv options the engine worker's CSV view uses.
  await conn.run(
    `CREATE VIEW bench.orders AS SELECT * FROM ${readCsvSql(path, ORDERS_DIALECT, ORDERS_COLUMNS)}`,
  );
  return conn;
}

async function runNative(conn: DuckDBConnection, statements: string[]) {
  const out: Record<string, unknown>[][] = [];
  for (const s of statements) out.push((await conn.runAndReadAll(s)).getRowObjectsJson());
  return out;
}

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
    ...TABLE,
    classification: 'csv',
    dialect: ORDERS_DIALECT,
    columns: ORDERS_COLUMNS,
    partitionKeys: [],
    files: [{ path: 'orders.csv', file: new PathFile(csv.path), partitionValues: [] }],
  });
  let task = 0;
  // Every round the evaluation sends, with its results: native replays exactly these.
  let rounds: { queries: string[]; results: QualityQueryResult[] }[] = [];
  const engine: QualityEngine = {
    qualityQueries: async (queries, onProgress) => {
      const results = await host.qualityQueries(`r${++task}`, queries, onProgress);
      rounds.push({ queries, results });
      return results;
    },
  };
  const now = new Date();
  const evaluateOnce = async (): Promise<EvaluationRecord> => {
    // The table's columns as the engine serves it, as QualityState asks for them.
    const [d] = await host.qualityQueries(`d${++task}`, ['DESCRIBE "bench"."orders"'], () => {});
    if (!d || 'error' in d) throw new Error(`describe: ${d ? d.error : 'no result'}`);
    const columns = d.rows.map((r) => ({
      name: String(r.column_name),
      type: String(r.column_type),
    }));
    return evaluateRuleset(engine, {
      table: TABLE,
      ruleset: 'bench',
      text: BENCH_RULESET,
      columns,
      resolveTable: () => undefined,
      now,
    });
  };

  const t1 = await nativeOrders(1, csv.path);
  const t2 = await nativeOrders(2, csv.path);
  const tab: number[] = [];
  const native1: number[] = [];
  const native2: number[] = [];
  let evaluation: EvaluationRecord | undefined;
  for (let r = 0; r < runs; r++) {
    rounds = [];
    const e = await timed(evaluateOnce);
    tab.push(e.ms);
    evaluation = e.value;
    const statements = rounds.flatMap((x) => x.queries);
    // Native runs the compiler's SQL: the measuring round must be exactly what the tab sent.
    const compiled = measureQueries(BENCH_RULESET, TABLE, ORDERS_COLUMNS, now);
    if (JSON.stringify(compiled) !== JSON.stringify(rounds[0]?.queries))
      throw new Error('the tab sent other queries than the compiler emits for the ruleset');
    const n1 = await timed(() => runNative(t1, statements));
    native1.push(n1.ms);
    native2.push((await timed(() => runNative(t2, statements))).ms);
    if (r === 0) {
      const diff = resultDifferences(rounds[0]!.results, n1.value.slice(0, compiled.length));
      if (diff.length) throw new Error(`native and the tab disagree:\n  ${diff.join('\n  ')}`);
      log(`${statements.length} statements (${compiled.length} measuring, the rest samples)`);
    }
  }
  const ev = evaluation!;
  const errors = ev.results.filter((x) => x.outcome === 'ERROR');
  if (ev.total !== 20 || errors.length)
    throw new Error(
      `expected 20 rules and no ERROR; got ${ev.total}: ${errors.map((x) => `${x.rule}: ${x.message}`).join('; ')}`,
    );

  const f = series(tab);
  const n1 = series(native1);
  const n2 = series(native2);
  log(
    `20 rules, ${ev.passed} PASS (tab):     ${seconds(f.median)}  (runs ${tab.map(seconds).join(', ')})`,
  );
  for (const x of ev.results.filter((x) => x.outcome === 'FAIL'))
    log(`FAIL (as the data has it): ${x.rule}${x.message ? ` — ${x.message}` : ''}`);
  log(`same SQL, native threads=1:   ${seconds(n1.median)}`);
  log(`same SQL, native threads=2:   ${seconds(n2.median)}`);
  log(`ratio tab / native t1:        ${ratio(f.median, n1.median)}`);
  await writeFigures(OUT, 'ruleset', [
    {
      section: 'quality',
      label: `ruleset of 20 rules, ${count(rows)} rows, engine path in Node`,
      unit: 'ms',
      runs: tab,
      anchors: [
        { label: 'native t1', runs: native1 },
        { label: 'native t2', runs: native2 },
      ],
      note: `same SQL: ${rounds.flatMap((x) => x.queries).length} statements; ${ev.passed}/20 PASS`,
    },
  ]);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
