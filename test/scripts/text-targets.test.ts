import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';
import type { EngineClient } from '../../src/engine/client';
import {
  compileJob,
  outputExtension,
  type Job,
  type NodeId,
  type TargetFormat,
  type TargetWriteFormat,
} from '../../src/jobs';
import { duckdbScript, pysparkScript } from '../../src/scripts';
import type { EngineHost } from '../../workers/engine/engine-host';
import { createNodeEngineClient } from '../support/engine-host';
import { jobOf, node } from '../jobs/job-support';
import { SparkClient } from './spark-client';
import {
  expectSameRows,
  makeTables,
  runNativeScript,
  scriptContext,
  startTab,
  tabRun,
  type Row,
  type Tables,
} from './script-support';

/**
 * CSV and NDJSON targets (plain and gzip): the tab's own writer (the engine's stream into the
 * encoder, as a run writes), the DuckDB script on native DuckDB and the PySpark script on local
 * Spark write files; native DuckDB reads all three back as text (CSV: every field VARCHAR, a
 * quoted empty field kept apart from NULL; NDJSON: each line's JSON), and the rows must match,
 * numbers within FLOAT_TOLERANCE (relative): doubles are spelled "2" by the tab and "2.0" by
 * DuckDB and Spark, which is the same value. The CSV header line must be the same text.
 */

interface TextCase {
  name: string;
  job: Job;
  /** Spark cannot write it as the tab does: the export flags these nodes instead. */
  sparkFlags?: NodeId[];
}

const people = node('catalog-source', 'in', { database: 'shop', table: 'people' });
// Text that tests a writer: an empty string (not NULL), spaces at both ends, a quote and the
// delimiters inside, a decimal, a timestamp with a fraction of a second.
const odd = [
  node('derived-column', 'd1', { column: 'blank', expression: `''` }),
  node('derived-column', 'd2', { column: 'padded', expression: `'  ' || "group" || ' '` }),
  node('derived-column', 'd3', { column: 'punct', expression: `'a,b;c "q"'` }),
  node('derived-column', 'd4', { column: 'double amount', expression: 'amount * 2' }),
  node('derived-column', 'd5', { column: 'half', expression: 'id / 4' }),
];

function peopleTo(format: TargetFormat): Job {
  const all = [
    people,
    ...odd,
    node('target', 'out', { format, partitionKeys: [], destination: 'folder' }),
  ];
  return jobOf(
    all,
    all.slice(1).map((n, i) => [all[i]!.id, n.id] as [NodeId, NodeId]),
  );
}

function ordersTo(format: TargetFormat): Job {
  return jobOf(
    [
      node('catalog-source', 'in', { database: 'shop', table: 'orders' }),
      node('target', 'out', { format, partitionKeys: [], destination: 'folder' }),
    ],
    [['in', 'out']],
  );
}

const CASES: TextCase[] = [
  { name: 'CSV with a header', job: peopleTo({ kind: 'csv' }) },
  {
    name: 'CSV gzip, semicolons, no header',
    job: peopleTo({ kind: 'csv', delimiter: ';', header: false, compression: 'gzip' }),
  },
  { name: 'NDJSON', job: peopleTo({ kind: 'ndjson' }) },
  { name: 'NDJSON gzip of nested JSON', job: ordersTo({ kind: 'ndjson', compression: 'gzip' }) },
  // The tab writes DuckDB's text of a struct; Spark's CSV text of one differs: flagged.
  { name: 'CSV of nested JSON', job: ordersTo({ kind: 'csv' }), sparkFlags: ['out'] },
];

let tables: Tables;
let host: EngineHost;
let client: EngineClient;
let spark: SparkClient | undefined;
let outputs: string;

beforeAll(async () => {
  outputs = mkdtempSync(join(tmpdir(), 'decant-text-targets-'));
  tables = await makeTables();
  host = await startTab(tables);
  client = createNodeEngineClient(host);
});

afterAll(() => {
  spark?.close();
  client?.terminate();
  rmSync(outputs, { recursive: true, force: true });
  if (tables) rmSync(tables.dir, { recursive: true, force: true });
});

/** A text target's format, defaults filled in. */
type Text = Extract<TargetWriteFormat, { kind: 'csv' | 'ndjson' }>;

/** Rows of text files (a glob) read back by native DuckDB, every value as text. */
async function textRows(glob: string, format: Text): Promise<Row[]> {
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    if (format.kind === 'csv') {
      const r = await c.runAndReadAll(
        `SELECT * FROM read_csv(${quoteLiteral(glob)}, header=${format.header}, ` +
          `delim=${quoteLiteral(format.delimiter)}, quote=${quoteLiteral(format.quote)}, ` +
          `escape=${quoteLiteral(format.quote)}, all_varchar=true, allow_quoted_nulls=false)`,
      );
      return r.getRowObjectsJson() as Row[];
    }
    const r = await c.runAndReadAll(`SELECT json FROM read_ndjson_objects(${quoteLiteral(glob)})`);
    return r.getRowObjectsJson().map((x) => asText(JSON.parse(String(x.json))) as Row);
  } finally {
    c.closeSync();
  }
}

/** JSON values with every scalar as text (numbers compared within the tolerance). */
function asText(v: unknown): unknown {
  if (v === null) return null;
  if (Array.isArray(v)) return v.map(asText);
  if (typeof v === 'object')
    return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, asText(x)]));
  return String(v);
}

/** The first line of a (maybe gzipped) text file. */
function headerOf(file: string): string {
  const bytes = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  return text.slice(0, text.indexOf('\n'));
}

describe('CSV and NDJSON targets: the tab, native DuckDB and local Spark write the same rows', () => {
  for (const c of CASES)
    it(c.name, async () => {
      const tab = await tabRun(host, tables, c.job);
      const [target] = compileJob(c.job, {
        tables: tables.source,
        facts: tab.facts,
        schemas: tab.schemas,
      }).targets;
      const format = target!.write.format as Text;
      const ext = outputExtension(target!.write.format);

      // The tab: the engine's stream into the text encoder, as a job run writes.
      const tabDir = mkdtempSync(join(outputs, 'tab-'));
      const tabFile = join(tabDir, `out${ext}`);
      const written = await client.runJobTarget(
        { sql: target!.sql, partitionKeys: [], encoding: format.kind },
        target!.write.format,
        () => {},
      );
      writeFileSync(tabFile, new Uint8Array(await written.files[0]!.blob.arrayBuffer()));
      const want = await textRows(tabFile, format);
      expect(want.length, 'the tab wrote rows').toBeGreaterThan(0);

      // Native DuckDB.
      const duckOut = mkdtempSync(join(outputs, 'duckdb-'));
      const duck = duckdbScript(c.job, scriptContext(tables, tab, duckOut));
      expect(duck.flags).toEqual([]);
      await runNativeScript(duck.text);
      const duckFile = join(duckOut, `${target!.write.path}${ext}`);
      expectSameRows(await textRows(duckFile, format), want, `${c.name}: DuckDB script`);
      if (format.kind === 'csv' && format.header)
        expect(headerOf(duckFile)).toBe(headerOf(tabFile));

      // Local Spark.
      const sparkOut = mkdtempSync(join(outputs, 'spark-'));
      const script = pysparkScript(c.job, scriptContext(tables, tab, sparkOut));
      if (c.sparkFlags) {
        expect([...new Set(script.flags.map((f) => f.nodeId))]).toEqual(c.sparkFlags);
        expect(script.text).toContain('NOT THE SAME AS THE TAB');
        return;
      }
      expect(script.flags).toEqual([]);
      const file = join(sparkOut, script.fileName);
      writeFileSync(file, script.text);
      spark ??= await SparkClient.open();
      const locations = Object.fromEntries(
        tables.script.map((t) => [`${t.database}.${t.name}`, t.location]),
      );
      const run = await spark.run(file, [
        '--output_path',
        sparkOut,
        '--locations',
        JSON.stringify(locations),
      ]);
      expect(run.error ?? '', `${c.name}: the script ran`).toBe('');
      const dir = join(sparkOut, target!.write.path);
      const parts = readdirSync(dir).filter((f) => f.startsWith('part-'));
      expect(
        parts.every((f) => f.endsWith(ext.replace('.ndjson', '.json'))),
        parts.join(),
      ).toBe(true);
      expectSameRows(
        await textRows(join(dir, 'part-*'), format),
        want,
        `${c.name}: PySpark script`,
      );
      if (format.kind === 'csv' && format.header)
        for (const p of parts) expect(headerOf(join(dir, p))).toBe(headerOf(tabFile));
    });
});
