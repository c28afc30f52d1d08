// The tab and the engines beyond it, side by side: tables on disk, the tab's compiled SQL run on
// DuckDB-WASM's Node bundle (the engine worker's host class), the DuckDB script on native
// DuckDB, and every output compared as rows of JSON values.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'vitest';
import type { CsvDialect } from '../../src/core/csv/dialect';
import { quoteLiteral } from '../../src/core/sql/quote';
import {
  compileJob,
  describeJob,
  rowsOf,
  type CompileContext,
  type Job,
  type NodeColumn,
  type NodeFacts,
  type NodeId,
  type SourceTable,
} from '../../src/jobs';
import type { ScriptContext, ScriptTable } from '../../src/scripts';
import { SKUS_CSV } from './cases';
import { CSV, folderFiles, hiveValues } from '../engine/catalog-support';
import { createNodeEngineHost, DiskFile } from '../support/engine-host';
import { fixturePath } from '../support/fixtures';
import type { EngineHost } from '../../workers/engine/engine-host';

/** A row as DuckDB's text of each value (the same cast in both engines), NULL as null. */
export type Row = Record<string, unknown>;

const PEOPLE_CSV = [
  'id,first name,Straße,amount,score,joined,born,active,tags,group,empty',
  '1,Ann,Müller,10.50,0.5,2024-03-01 10:00:00,1990-01-02,true,a|b,x,',
  '2,Bob,"O\'Neil, Jr",20.00,,2024-03-02 11:30:00,1985-05-06,false,b,y,',
  '3,,Łukasz,,1.25,,2000-12-31,,c|a|b,x,',
  '4,Dee,Zoë,0.01,-3.5,2024-01-15 00:00:00,,true,,z,',
  '5,Eve,"say ""hi""",99999.99,2.0,2023-12-31 23:59:59,1970-01-01,false,a,y,',
  '6,Ann,Müller,10.50,0.5,2024-03-01 10:00:00,1990-01-02,true,a|b,x,',
].join('\n');

/** People's contact details for Detect Sensitive Data: real-looking values and decoys. */
const CONTACTS_CSV = [
  'id,full_name,email,card,ssn,birth_date,note,secret',
  '1,Ann Lee,ann.lee@example.com,4111 1111 1111 1111,078-05-1120,1990-01-02,call +1 212 555 0100,k1',
  '2,Bo Li,write to bo@corp-x.io please,5500-0000-0000-0004,219-09-9999,2999-01-01,n/a,k2',
  '3,Cy Dee,,4111 1111 1111 1112,none,1985-05-06,IBAN GB82 WEST 1234 5698 7654 32,k3',
  '4,Di Fo,not an email,,666-12-3456,,from 192.168.1.10 at 2024-01-02 10:00,k4',
  '5,Eve Ng,eve@uni.edu,378282246310005,123-45-6789,1970-12-31,GB82 WEST 1234 5698 7654 33,',
].join('\n');

const CONTACTS_COLUMNS = [
  { name: 'id', type: 'BIGINT' },
  { name: 'full_name', type: 'VARCHAR' },
  { name: 'email', type: 'VARCHAR' },
  { name: 'card', type: 'VARCHAR' },
  { name: 'ssn', type: 'VARCHAR' },
  { name: 'birth_date', type: 'VARCHAR' },
  { name: 'note', type: 'VARCHAR' },
  { name: 'secret', type: 'VARCHAR' },
];

export const PEOPLE_COLUMNS = [
  { name: 'id', type: 'BIGINT' },
  { name: 'first name', type: 'VARCHAR' },
  { name: 'Straße', type: 'VARCHAR' },
  { name: 'amount', type: 'DECIMAL(10,2)' },
  { name: 'score', type: 'DOUBLE' },
  { name: 'joined', type: 'TIMESTAMP' },
  { name: 'born', type: 'DATE' },
  { name: 'active', type: 'BOOLEAN' },
  { name: 'tags', type: 'VARCHAR' },
  { name: 'group', type: 'VARCHAR' },
  { name: 'empty', type: 'VARCHAR' },
];

const SALES_COLUMNS = [
  { name: 'id', type: 'BIGINT' },
  { name: 'sku', type: 'VARCHAR' },
  { name: 'price', type: 'DOUBLE' },
];
const SALES_KEYS = [
  { name: 'year', type: 'BIGINT' },
  { name: 'month', type: 'BIGINT' },
];
const ORDERS_COLUMNS = [
  { name: 'order_id', type: 'BIGINT' },
  { name: 'customer', type: 'STRUCT(id BIGINT, email VARCHAR)' },
  { name: 'items', type: 'STRUCT(sku VARCHAR, qty BIGINT)[]' },
  { name: 'total', type: 'DOUBLE' },
  { name: 'coupon', type: 'VARCHAR' },
];

/** The tables every case may read, in database `shop`, written to a fresh folder. */
export interface Tables {
  dir: string;
  script: ScriptTable[];
  /** How the tab reads them (catalog sources over the engine's views). */
  source: SourceTable[];
}

export async function makeTables(): Promise<Tables> {
  const dir = mkdtempSync(join(tmpdir(), 'decant-scripts-'));
  mkdirSync(join(dir, 'people'));
  writeFileSync(join(dir, 'people', 'people.csv'), PEOPLE_CSV + '\n');
  mkdirSync(join(dir, 'contacts'));
  writeFileSync(join(dir, 'contacts', 'contacts.csv'), CONTACTS_CSV + '\n');
  mkdirSync(join(dir, 'orders'));
  cpSync(fixturePath('orders.ndjson'), join(dir, 'orders', 'orders.ndjson'));
  cpSync(fixturePath('sales'), join(dir, 'sales'), { recursive: true });
  writeFileSync(join(dir, 'skus.csv'), SKUS_CSV);
  // A Parquet table of the people, written by native DuckDB with the catalog's types.
  mkdirSync(join(dir, 'people_pq'));
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  const cols = PEOPLE_COLUMNS.map((x) => `'${x.name}': '${x.type}'`).join(', ');
  await c.run(
    `COPY (SELECT * FROM read_csv(${quoteLiteral(join(dir, 'people', 'people.csv'))}, auto_detect=false, header=true, columns={${cols}})) ` +
      `TO ${quoteLiteral(join(dir, 'people_pq', 'part-0.parquet'))} (FORMAT parquet)`,
  );
  c.closeSync();
  const script: ScriptTable[] = [
    {
      database: 'shop',
      name: 'people',
      classification: 'csv',
      location: join(dir, 'people'),
      dialect: CSV,
      columns: PEOPLE_COLUMNS,
      partitionKeys: [],
      suffix: '.csv',
    },
    {
      database: 'shop',
      name: 'contacts',
      classification: 'csv',
      location: join(dir, 'contacts'),
      dialect: CSV,
      columns: CONTACTS_COLUMNS,
      partitionKeys: [],
      suffix: '.csv',
    },
    {
      database: 'shop',
      name: 'people_pq',
      classification: 'parquet',
      location: join(dir, 'people_pq'),
      columns: PEOPLE_COLUMNS,
      partitionKeys: [],
      suffix: '.parquet',
    },
    {
      database: 'shop',
      name: 'sales',
      classification: 'csv',
      location: join(dir, 'sales'),
      dialect: CSV,
      columns: SALES_COLUMNS,
      partitionKeys: SALES_KEYS,
      suffix: '.csv',
    },
    {
      database: 'shop',
      name: 'orders',
      classification: 'json',
      location: join(dir, 'orders'),
      columns: ORDERS_COLUMNS,
      partitionKeys: [],
      suffix: '.ndjson',
    },
  ];
  const source = script.map((t) => ({
    database: t.database,
    name: t.name,
    columns: [...t.columns],
    partitionKeys: [...t.partitionKeys],
    partitions: [],
  }));
  return { dir, script, source };
}

/** The tab: the engine worker's host on DuckDB-WASM, with the tables attached as the app does. */
export async function startTab(t: Tables): Promise<EngineHost> {
  const host = createNodeEngineHost();
  for (const s of t.script) {
    const files = folderFiles(s.location, s.partitionKeys.length > 0 ? hiveValues : () => []).map(
      (f) => ({ path: f.path, partitionValues: f.partitionValues, file: new DiskFile(f.file) }),
    );
    const base = { database: s.database, name: s.name };
    if (s.classification === 'csv')
      await host.attachTable({
        ...base,
        classification: 'csv',
        dialect: s.dialect as CsvDialect,
        columns: [...s.columns],
        partitionKeys: [...s.partitionKeys],
        files,
      });
    else if (s.classification === 'json')
      await host.attachTable({ ...base, classification: 'json', files });
    else
      await host.attachTable({
        ...base,
        classification: 'parquet',
        columns: [...s.columns],
        partitionKeys: [...s.partitionKeys],
        files,
      });
  }
  await host.addFile('skus', new DiskFile(join(t.dir, 'skus.csv')));
  return host;
}

/** What the tab found describing the job (schemas, probe facts), as the editor has them. */
export interface TabRun {
  rows: Row[][];
  schemas: Map<NodeId, NodeColumn[]>;
  facts: Map<NodeId, NodeFacts>;
}

/** Each target's rows as the tab computes them (its compiled SQL on DuckDB-WASM). */
export async function tabRun(
  host: EngineHost,
  t: Tables,
  job: Job,
  facts?: Map<NodeId, NodeFacts>,
): Promise<TabRun> {
  const base: CompileContext = { tables: t.source, ...(facts ? { facts } : {}) };
  const found = await describeJob(job, base, host, new Map());
  if (found.errors.size > 0)
    throw new Error(`the tab could not describe the job: ${[...found.errors.values()].join('; ')}`);
  const compiled = compileJob(job, { ...base, schemas: found.schemas, facts: found.facts });
  const rows: Row[][] = [];
  for (const target of compiled.targets) {
    rows.push(await rowsOf(host, `SELECT COLUMNS(*)::VARCHAR FROM (${target.sql}) AS t`));
  }
  return { rows, schemas: found.schemas, facts: found.facts };
}

/** The script context the Script tab would build from what the tab found. */
export function scriptContext(t: Tables, tab: TabRun, output: string): ScriptContext {
  return {
    tables: t.script,
    facts: tab.facts,
    schemas: tab.schemas,
    output,
    files: { 'fskus.csv': join(t.dir, 'skus.csv') },
  };
}

/** Rows of Parquet files (a glob), read by native DuckDB with `key=value` folders as columns. */
export async function parquetRows(glob: string, hive: boolean): Promise<Row[]> {
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    await c.run("SET TimeZone = 'UTC'");
    // Spark writes timestamps as instants (TIMESTAMP WITH TIME ZONE): read them as UTC wall time.
    const from = `read_parquet(${quoteLiteral(glob)}, hive_partitioning=${hive}, union_by_name=true)`;
    const cols = (await c.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)).getRowObjectsJson();
    const list = cols.map((r) => {
      const name = `"${String(r.column_name).replaceAll('"', '""')}"`;
      return String(r.column_type) === 'TIMESTAMP WITH TIME ZONE'
        ? `CAST(${name} AS TIMESTAMP) AS ${name}`
        : name;
    });
    const r = await c.runAndReadAll(
      `SELECT COLUMNS(*)::VARCHAR FROM (SELECT ${list.join(', ')} FROM ${from}) AS t`,
    );
    return r.getRowObjectsJson() as Row[];
  } finally {
    c.closeSync();
  }
}

/** Runs a DuckDB script on native DuckDB (a fresh in-memory database). */
export async function runNativeScript(text: string): Promise<void> {
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    await c.run(text);
  } finally {
    c.closeSync();
  }
}

/** Relative tolerance for DOUBLE values (sums and averages may add in another order). */
export const FLOAT_TOLERANCE = 1e-9;

const NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string' && NUMBER.test(a) && NUMBER.test(b)) {
    const x = Number(a);
    const y = Number(b);
    return x === y || Math.abs(x - y) <= FLOAT_TOLERANCE * Math.max(Math.abs(x), Math.abs(y));
  }
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return (
      ka.join('\0') === kb.join('\0') && ka.every((k) => sameValue((a as Row)[k], (b as Row)[k]))
    );
  }
  return a === b;
}

/** A sort key for a row: its values, numbers rounded, keys in order. */
function sortKey(r: unknown): string {
  return JSON.stringify(r, (_k, v: unknown) => {
    if (typeof v === 'string' && NUMBER.test(v)) return Number(Number(v).toPrecision(8));
    if (v && typeof v === 'object' && !Array.isArray(v))
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, (v as Row)[k]]),
      );
    return v;
  });
}

/** Rows without the columns `ignore` names (values no two runs share: clocks, UUIDs). */
export function without(rows: Row[], ignore: readonly string[]): Row[] {
  return rows.map((r) =>
    Object.fromEntries(Object.entries(r).filter(([k]) => !ignore.includes(k))),
  );
}

/** Expects the same rows (as multisets unless `ordered`), numbers within FLOAT_TOLERANCE. */
export function expectSameRows(
  actual: Row[],
  expected: Row[],
  what: string,
  ordered = false,
): void {
  const a = ordered ? actual : [...actual].sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : 1));
  const e = ordered ? expected : [...expected].sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : 1));
  const same = a.length === e.length && a.every((r, i) => sameValue(r, e[i]));
  if (!same) expect(a, what).toEqual(e);
  expect(same, what).toBe(true);
}
