/**
 * Shares catalog tables: each table's share rules compiled to one SELECT, run by the engine
 * into Parquet files (one per partition), with statistics of the shared rows for the README and
 * the recipe of the job that made the table — the input of a package (packageEntries), ready for
 * a zip, a folder or S3. I/O comes in through narrow ports, so it runs on the Node engine in tests.
 */
import type { CatalogTable, ColumnStatistics } from '../catalog';
import { DecantError } from '../core/errors';
import { ident, joinSql, sql, type Sql } from '../core/sql/sql-template';
import type { JobOutputFormat, JobTargetOutput, JobTargetProgress } from '../engine/client';
import type { JobTargetSpec } from '../engine/protocol';
import {
  DEFAULT_ROW_GROUP_SIZE,
  jobWithoutSecrets,
  rowsOf,
  type Job,
  type SqlRunner,
} from '../jobs';
import type { PackageInput, PackageTableInput } from './package-files';
import { compileShare, shareTargetSpec, type CompiledShare, type ShareRules } from './share-rules';

/** The engine as sharing uses it: SQL for statistics and previews, job targets for the files. */
export interface ShareEngine extends SqlRunner {
  runJobTarget(
    spec: JobTargetSpec,
    format: JobOutputFormat,
    onProgress: (p: JobTargetProgress) => void,
    signal?: AbortSignal,
  ): Promise<JobTargetOutput>;
}

export interface ShareDeps {
  engine: ShareEngine;
  /** Serves `table` in the engine as `"database"."name"`; throws when it cannot be read now. */
  serve(table: CatalogTable): Promise<void>;
  /** The saved job named `name` (a table a job wrote says so in `updatedBy`), if still there. */
  job(name: string): Promise<Job | undefined>;
}

/** One table to share and its rules. */
export interface ShareTableRequest {
  table: CatalogTable;
  rules: ShareRules;
}

export interface ShareRequest {
  title: string;
  description?: string;
  tables: readonly ShareTableRequest[];
  /** Where the package will live (`s3://bucket/prefix/`), for the Glue and Athena files. */
  location?: string;
}

export interface PrepareProgress {
  /** The table being written, `database.name`, its index and the count. */
  table: string;
  index: number;
  tables: number;
  rows: number;
  bytesWritten: number;
}

/** The Parquet encoding of shared files: ZSTD, Glue's row group size. */
export const SHARE_FORMAT: JobOutputFormat = {
  kind: 'parquet',
  compression: 'zstd',
  rowGroupSize: DEFAULT_ROW_GROUP_SIZE,
};

/**
 * Writes every table's shared rows as Parquet (in the engine and the encoder worker, held as
 * Blobs until packaged) and gathers what the package says of them. Rejects with `share:`
 * DecantErrors (a table that cannot be read, rules that do not compile) or the engine's error;
 * code 'cancelled' when `signal` aborts.
 */
export async function prepareShare(
  request: ShareRequest,
  deps: ShareDeps,
  opts: { signal?: AbortSignal; onProgress?(p: PrepareProgress): void } = {},
): Promise<PackageInput> {
  if (request.tables.length === 0)
    throw new DecantError('choose at least one table to share', { domain: 'share' });
  if (!request.title.trim()) throw new DecantError('give the package a title', { domain: 'share' });
  // Every table's rules are checked before any is written.
  const shares = request.tables.map((t) => compileShare(t.table, t.rules));
  const tables: PackageTableInput[] = [];
  for (const [index, { table }] of request.tables.entries()) {
    const share = shares[index]!;
    const name = `${table.database}.${table.name}`;
    if (opts.signal?.aborted) throw cancelled();
    await deps.serve(table);
    const out = await deps.engine.runJobTarget(
      shareTargetSpec(share),
      SHARE_FORMAT,
      (p) =>
        opts.onProgress?.({
          table: name,
          index,
          tables: request.tables.length,
          rows: p.rows,
          bytesWritten: p.bytesWritten,
        }),
      opts.signal,
    );
    tables.push({
      table,
      share,
      parts: out.files.map((f) => ({ values: f.values, rows: f.rows, data: f.blob })),
      statistics: {
        of: 'shared',
        columns: await sharedStatistics(deps.engine, share).catch(() => []),
      },
      recipe: await recipeOf(table, deps),
    });
  }
  return {
    title: request.title.trim(),
    ...(request.description?.trim() ? { description: request.description.trim() } : {}),
    created: new Date(),
    tables,
    ...(request.location ? { location: request.location } : {}),
  };
}

/**
 * The first `limit` shared rows (the package's own SELECT): a table's rows as the recipient
 * will see them, for the dialog's preview. The result is the caller's to page and drop.
 */
export function previewSql(share: CompiledShare, limit = 20): string {
  return `${share.sql.text} LIMIT ${Math.max(0, Math.floor(limit))}`;
}

/** The job that wrote `table`, as its recipe, when the catalog says a job made it. */
async function recipeOf(table: CatalogTable, deps: ShareDeps): Promise<Job | undefined> {
  if (table.updatedBy.kind !== 'job') return undefined;
  // Without secrets (a Detect Sensitive Data node's salt): the package is for others.
  return deps
    .job(table.updatedBy.name)
    .then((job) => job && jobWithoutSecrets(job))
    .catch(() => undefined);
}

/**
 * Glue's column statistics of the shared rows, in one scan of the share's SELECT: nulls, an
 * approximate distinct count, min and max as text. Hashed and redacted columns are described as
 * they are shared (tokens, nulls), never as they were.
 */
export async function sharedStatistics(
  engine: SqlRunner,
  share: CompiledShare,
): Promise<ColumnStatistics[]> {
  if (share.columns.length === 0) return [];
  const parts: Sql[] = [];
  share.columns.forEach((c, i) => {
    const id = ident(c.name);
    parts.push(
      sql`count(*) - count(${id}) AS ${ident(`n${i}`)}`,
      sql`approx_count_distinct(${id}) AS ${ident(`d${i}`)}`,
      sql`CAST(min(${id}) AS VARCHAR) AS ${ident(`lo${i}`)}`,
      sql`CAST(max(${id}) AS VARCHAR) AS ${ident(`hi${i}`)}`,
    );
  });
  const query = sql`SELECT ${joinSql(parts)} FROM (${share.sql}) AS shared`;
  const [row] = await rowsOf(engine, query.text);
  if (!row) return [];
  return share.columns.map((c, i) => {
    const lo = row[`lo${i}`];
    const hi = row[`hi${i}`];
    return {
      column: c.name,
      type: c.type,
      nulls: Number(row[`n${i}`] ?? 0),
      distinct: Number(row[`d${i}`] ?? 0),
      ...(lo === null || lo === undefined ? {} : { min: String(lo) }),
      ...(hi === null || hi === undefined ? {} : { max: String(hi) }),
    };
  });
}

function cancelled(): DecantError {
  return new DecantError('sharing was cancelled', { domain: 'share', code: 'cancelled' });
}
