import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileJob, NODE_KINDS, type Job } from '../../src/jobs';
import { duckdbScript, pysparkScript } from '../../src/scripts';
import { SparkClient } from './spark-client';
import type { EngineHost } from '../../workers/engine/engine-host';
import { CASES, kindsOf, type Case } from './cases';
import {
  expectSameRows,
  makeTables,
  parquetRows,
  runNativeScript,
  scriptContext,
  startTab,
  tabRun,
  without,
  type Row,
  type TabRun,
  type Tables,
} from './script-support';

/**
 * Every case run three ways — the tab's compiled SQL on DuckDB-WASM, the exported DuckDB script
 * on native DuckDB, the exported PySpark script on local Spark — and the rows compared (the
 * scripts' Parquet outputs read by native DuckDB).
 */

let tables: Tables;
let host: EngineHost;
let spark: SparkClient | undefined;
const started = Date.now();
const tabRuns = new Map<Case, Promise<TabRun>>();

let outputs: string;

beforeAll(async () => {
  outputs = mkdtempSync(join(tmpdir(), 'decant-script-outputs-'));
  tables = await makeTables();
  host = await startTab(tables);
});

afterAll(() => {
  spark?.close();
  rmSync(outputs, { recursive: true, force: true });
  if (tables) rmSync(tables.dir, { recursive: true, force: true });
  console.log(`scripts: engines.test.ts took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

/** The tab's run of a case (once per case for both engines). */
function tabOf(c: Case): Promise<TabRun> {
  let run = tabRuns.get(c);
  if (!run) {
    run = tabRun(host, tables, c.job);
    tabRuns.set(c, run);
  }
  return run;
}

function targetsOf(job: Job, tab: TabRun) {
  return compileJob(job, { tables: tables.source, facts: tab.facts, schemas: tab.schemas }).targets;
}

function compare(c: Case, got: Row[], want: Row[], what: string) {
  const ignore = c.ignore ?? [];
  for (const col of ignore)
    expect(
      got.every((r) => r[col] !== null && r[col] !== undefined),
      `${what}: ${col} is set`,
    ).toBe(true);
  expectSameRows(without(got, ignore), without(want, ignore), what, c.ordered);
}

describe('native DuckDB runs the DuckDB script with the tab’s answers', () => {
  for (const c of CASES)
    it(c.name, async () => {
      const tab = await tabOf(c);
      const output = mkdtempSync(join(outputs, 'duckdb-'));
      const script = duckdbScript(c.job, scriptContext(tables, tab, output));
      expect(script.flags).toEqual([]);
      await runNativeScript(script.text);
      const targets = compileJob(c.job, {
        tables: tables.source,
        facts: tab.facts,
        schemas: tab.schemas,
      }).targets;
      for (const [i, t] of targets.entries()) {
        const partitioned = t.write.partitionKeys.length > 0;
        const glob = partitioned
          ? join(output, t.write.path, '**', '*.parquet')
          : join(output, `${t.write.path}.parquet`);
        const got = await parquetRows(glob, partitioned);
        expect(tab.rows[i]!.length, `${c.name}: the tab has rows`).toBeGreaterThan(0);
        compare(c, got, tab.rows[i]!, `${c.name} → ${t.name}`);
      }
    });

  it('covers every node kind', () => {
    expect([...kindsOf(CASES)].sort()).toEqual(NODE_KINDS.map((k) => k.kind).sort());
  });
});

describe('local Spark runs the PySpark script with the tab’s answers', () => {
  for (const c of CASES)
    it(c.name, async () => {
      const tab = await tabOf(c);
      const output = mkdtempSync(join(outputs, 'spark-'));
      const script = pysparkScript(c.job, scriptContext(tables, tab, output));
      if (c.sparkFlags) {
        // Not the same on Spark: the export says so on exactly these nodes.
        expect([...new Set(script.flags.map((f) => f.nodeId))].sort()).toEqual(
          [...c.sparkFlags].sort(),
        );
        expect(script.text).toContain('NOT THE SAME AS THE TAB');
        return;
      }
      expect(script.flags).toEqual([]);
      const file = join(output, script.fileName);
      writeFileSync(file, script.text);
      spark ??= await SparkClient.open();
      const locations = Object.fromEntries(
        tables.script.map((t) => [`${t.database}.${t.name}`, t.location]),
      );
      const run = await spark.run(file, [
        '--output_path',
        output,
        '--locations',
        JSON.stringify(locations),
      ]);
      expect(run.error ?? '', `${c.name}: the script ran`).toBe('');
      for (const [i, t] of targetsOf(c.job, tab).entries()) {
        const partitioned = t.write.partitionKeys.length > 0;
        const got = await parquetRows(
          join(output, t.write.path, partitioned ? '**/*.parquet' : '*.parquet'),
          partitioned,
        );
        compare(c, got, tab.rows[i]!, `${c.name} → ${t.name}`);
      }
    });
});

describe('a value that does not convert, or an integer overflow, stops every engine, as it stops the tab', () => {
  const CONVERT = { duckdb: /Conver|cast|Could not parse/i, spark: /a value does not convert/ };
  // DuckDB stops on an integer overflow; Spark 3.5 (Glue 5) would wrap around unless in ANSI mode.
  const OVERFLOW = { duckdb: /Overflow in multiplication/, spark: /ARITHMETIC_OVERFLOW/ };
  const failing: [string, Job, { duckdb: RegExp; spark: RegExp }][] = [
    [
      'a BIGINT product past its range (Derived Column)',
      chainOf([
        {
          id: 'dc',
          kind: 'derived-column',
          name: 'dc',
          options: { column: 'huge', expression: 'id * 4000000000000000000' },
        },
      ]),
      OVERFLOW,
    ],
    [
      'a BIGINT product past its range (SQL Query)',
      chainOf([
        {
          id: 'q',
          kind: 'sql-query',
          name: 'q',
          options: { query: 'SELECT id * 4000000000000000000 AS huge FROM input1', aliases: {} },
        },
      ]),
      OVERFLOW,
    ],
    [
      'Change Schema casting text to BIGINT',
      chainOf([
        {
          id: 'cs',
          kind: 'change-schema',
          name: 'cs',
          options: { mappings: [{ from: 'first name', to: 'n', type: 'BIGINT' }] },
        },
      ]),
      CONVERT,
    ],
    [
      'To Timestamp with a pattern the text does not have',
      chainOf([
        {
          id: 'tt',
          kind: 'to-timestamp',
          name: 'tt',
          options: { column: 'Straße', from: { kind: 'pattern', pattern: '%Y-%m-%d' } },
        },
      ]),
      CONVERT,
    ],
  ];
  for (const [what, job, errors] of failing)
    it(what, async () => {
      await expect(tabRun(host, tables, job)).rejects.toThrow();
      const ctx = { tables: tables.script, output: mkdtempSync(join(outputs, 'fail-')) };
      await expect(runNativeScript(duckdbScript(job, ctx).text)).rejects.toThrow(errors.duckdb);
      const script = pysparkScript(job, ctx);
      expect(script.flags).toEqual([]);
      const file = join(ctx.output, script.fileName);
      writeFileSync(file, script.text);
      spark ??= await SparkClient.open();
      const locations = Object.fromEntries(
        tables.script.map((t) => [`${t.database}.${t.name}`, t.location]),
      );
      const run = await spark.run(file, [
        '--output_path',
        ctx.output,
        '--locations',
        JSON.stringify(locations),
      ]);
      expect(run.ok).toBe(false);
      expect(run.error).toMatch(errors.spark);
    });
});

/** people → nodes → a Parquet target. */
function chainOf(nodes: Job['nodes']): Job {
  const all: Job['nodes'] = [
    {
      id: 'in',
      kind: 'catalog-source',
      name: 'in',
      options: { database: 'shop', table: 'people' },
    },
    ...nodes,
    {
      id: 'out',
      kind: 'target',
      name: 'out',
      options: { format: { kind: 'parquet' }, partitionKeys: [], destination: 'folder' },
    },
  ];
  return {
    ...CASES[0]!.job,
    nodes: all,
    edges: all.slice(1).map((n, i) => ({ from: all[i]!.id, to: n.id, port: 0 })),
  };
}
