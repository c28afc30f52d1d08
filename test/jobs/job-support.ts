import { expect } from 'vitest';
import { quoteIdent } from '../../src/core/sql/quote';
import { analyzeJob } from '../../src/jobs/analyze';
import { compileJob } from '../../src/jobs/compile';
import type { CompileContext, SourceTable } from '../../src/jobs/context';
import { previewSql } from '../../src/jobs/describe';
import { JobError } from '../../src/jobs/errors';
import {
  newJob,
  type Job,
  type JobEdge,
  type JobNode,
  type NodeId,
  type NodeKind,
  type NodeOf,
} from '../../src/jobs/model';
import { startNodeEngine, type NodeEngine } from '../support/node-engine';
import type { CatalogPartition } from '../../src/catalog/model';
import type { AttachedTables } from '../../workers/engine/attached-tables';
import { CSV, folderFiles, hiveValues } from '../engine/catalog-support';

/** A node of `kind` with the given options (and its id as its name unless given). */
export function node<K extends NodeKind>(
  kind: K,
  id: NodeId,
  options: NodeOf<K>['options'],
  name = id,
): NodeOf<K> {
  return { id, kind, name, options } as JobNode as NodeOf<K>;
}

/** A job of these nodes; `edges` as [from, to] or [from, to, port]. */
export function jobOf(
  nodes: JobNode[],
  edges: ([NodeId, NodeId] | [NodeId, NodeId, number])[],
  over: Partial<Job> = {},
): Job {
  const e: JobEdge[] = edges.map(([from, to, port]) => ({ from, to, port: port ?? 0 }));
  return { ...newJob('test job'), nodes, edges: e, ...over };
}

/** A catalog source of `db.table`. */
export function source(id: NodeId, database: string, table: string): NodeOf<'catalog-source'> {
  return node('catalog-source', id, { database, table });
}

/** A Parquet target reading `from`. */
export function target(id = 'out'): NodeOf<'target'> {
  return node('target', id, {
    format: { kind: 'parquet' },
    partitionKeys: [],
    destination: 'download',
  });
}

/** `a → b → c → …` with a target at the end: the usual linear job. */
export function chain(nodes: JobNode[], over: Partial<Job> = {}): Job {
  const all = [...nodes, target()];
  const edges = all.slice(1).map((n, i) => [all[i]!.id, n.id] as [NodeId, NodeId]);
  return jobOf(all, edges, over);
}

/** The CTE body (or target SELECT) the compiler makes for node `id`. Throws a JobError. */
export function sqlOf(job: Job, id: NodeId, ctx: CompileContext = {}): string {
  const a = analyzeJob(job, ctx, [id]);
  if (a.issues.length > 0) throw new JobError(job.name, a.issues);
  return a.built.get(id)!.sql;
}

/** The issues' messages. */
export function problems(job: Job, ctx: CompileContext = {}): string[] {
  return analyzeJob(job, ctx).issues.map((i) => i.message);
}

/** Tables the tests read, created in the engine as `"db"."table"` and described for the compiler. */
export interface TestTable {
  database: string;
  name: string;
  columns: { name: string; type: string }[];
  /** Rows as SQL value lists, e.g. `(1, 'a')`. */
  rows: string[];
}

export function sourceTable(t: TestTable): SourceTable {
  return {
    database: t.database,
    name: t.name,
    columns: t.columns,
    partitionKeys: [],
    partitions: [],
  };
}

export const ORDERS: TestTable = {
  database: 'shop',
  name: 'orders',
  columns: [
    { name: 'id', type: 'BIGINT' },
    { name: 'customer_id', type: 'BIGINT' },
    { name: 'amount', type: 'DOUBLE' },
    { name: 'status', type: 'VARCHAR' },
    { name: 'note', type: 'VARCHAR' },
  ],
  rows: [
    "(1, 10, 5.0, 'paid', NULL)",
    "(2, 10, 7.5, 'open', 'gift')",
    "(3, 20, NULL, 'paid', NULL)",
    "(4, 30, 2.5, 'void', 'late')",
    "(5, 20, 10.0, 'paid', NULL)",
  ],
};

export const CUSTOMERS: TestTable = {
  database: 'shop',
  name: 'customers',
  columns: [
    { name: 'customer_id', type: 'BIGINT' },
    { name: 'name', type: 'VARCHAR' },
    { name: 'country', type: 'VARCHAR' },
  ],
  rows: ["(10, 'Ann', 'DE')", "(20, 'Bob', 'FR')", "(40, 'Cy', 'DE')"],
};

export interface JobEngine {
  engine: NodeEngine;
  ctx: CompileContext;
  /** Rows of the job's first target, as plain objects. Throws the engine's or a JobError. */
  run(job: Job, ctx?: CompileContext): Record<string, unknown>[];
  /** Rows of one node (its preview, all rows). */
  rowsOf(job: Job, id: NodeId, ctx?: CompileContext): Record<string, unknown>[];
  rows(sql: string): Record<string, unknown>[];
}

/** DuckDB-WASM's Node bundle with the test tables as `"db"."table"`. */
export async function jobEngine(tables: TestTable[] = [ORDERS, CUSTOMERS]): Promise<JobEngine> {
  const engine = await startNodeEngine();
  for (const t of tables) {
    const cols = t.columns.map(
      (c) => `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`,
    );
    const names = t.columns.map((c) => quoteIdent(c.name)).join(', ');
    engine.s.run(
      `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(t.database)}`,
      `CREATE TABLE ${quoteIdent(t.database)}.${quoteIdent(t.name)} AS SELECT ${cols.join(', ')} ` +
        `FROM (VALUES ${t.rows.join(', ')}) AS v(${names})`,
    );
  }
  const ctx: CompileContext = { tables: tables.map(sourceTable) };
  return {
    engine,
    ctx,
    run: (job, c = ctx) => engine.s.rows(compileJob(job, c).targets[0]!.sql),
    rowsOf: (job, id, c = ctx) => engine.s.rows(previewSql(job, id, c, 1_000_000)),
    rows: (sql) => engine.s.rows(sql),
  };
}

/** Expects `f` to throw a JobError whose issues include one matching `pattern`; returns it. */
export function jobErrorFrom(f: () => unknown, pattern: RegExp): JobError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(JobError);
    const err = e as JobError;
    expect(err.issues.map((i) => i.message).join('\n')).toMatch(pattern);
    return err;
  }
  throw new Error('the job compiled');
}

/** The `sales` fixture's columns and partition keys. */
export const SALES_COLUMNS = [
  { name: 'id', type: 'BIGINT' },
  { name: 'sku', type: 'VARCHAR' },
  { name: 'price', type: 'DOUBLE' },
];
export const SALES_KEYS = [
  { name: 'year', type: 'BIGINT' },
  { name: 'month', type: 'BIGINT' },
];

/**
 * Attaches the folder as `database.name` the way the app does, and describes it for the
 * compiler as the catalog would: partitions by folder, files by their catalog path, and the
 * names the engine registered them under.
 */
export function attachSalesFolder(
  tables: AttachedTables<string>,
  root: string,
  database: string,
  name: string,
): SourceTable {
  const files = folderFiles(root, hiveValues);
  tables.attach({
    database,
    name,
    classification: 'csv',
    dialect: CSV,
    columns: SALES_COLUMNS,
    partitionKeys: SALES_KEYS,
    files,
  });
  const registered = tables.registeredFiles(database, name);
  const byLocation = new Map<string, CatalogPartition>();
  for (const f of files) {
    const location = f.path.split('/').slice(0, -1).join('/');
    let p = byLocation.get(location);
    if (!p) {
      p = { database, table: name, values: f.partitionValues, location, files: [], sizeBytes: 0 };
      byLocation.set(location, p);
    }
    p.files.push(f.path);
  }
  return {
    database,
    name,
    columns: SALES_COLUMNS,
    partitionKeys: SALES_KEYS,
    partitions: [...byLocation.values()],
    scan: {
      dialect: CSV,
      files: files.map((f, i) => ({ path: f.path, registered: registered[i]! })),
    },
  };
}
