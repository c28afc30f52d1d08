import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileJob, type Job } from '../../src/jobs';
import { duckdbScript } from '../../src/scripts';
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
const started = Date.now();

beforeAll(async () => {
  tables = await makeTables();
  host = await startTab(tables);
});

afterAll(() => {
  console.log(`scripts: engines.test.ts took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

/** Targets' write paths, in the compiled order. */
function targetsOf(job: Job) {
  return compileJob(job, { tables: tables.source, facts: new Map() }).targets;
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
      const tab: TabRun = await tabRun(host, tables, c.job);
      const output = mkdtempSync(join(tmpdir(), 'decant-duckdb-out-'));
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
    expect([...kindsOf(CASES)].sort()).toHaveLength(27);
  });
});

void targetsOf;
