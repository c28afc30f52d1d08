/**
 * Shares catalog tables: each table's share rules compiled to one SELECT, run by the engine
 * into Parquet files (one per partition), with statistics of the shared rows for the README and
 * the recipe of the job that made the table — the input of a package (packageEntries), ready for
 * a zip, a folder or S3. I/O comes in through narrow ports, so it runs on the Node engine in tests.
 */
import type { CatalogTable, ColumnStatistics } from '../catalog';
import { DecantError } from '../core/errors';
import { ident, joinSql, sql, type Sql } from '../core/sql/sql-template';
import type {
  JobOutputFormat,
  JobTargetOutput,
  JobTargetProgress,
  OutputFileFor,
} from '../engine/client';
import type { JobTargetSpec } from '../engine/protocol';
import {
  DEFAULT_ROW_GROUP_SIZE,
  jobWithoutSecrets,
  recipeFromJob,
  rowsOf,
  type Job,
  type Recipe,
  type RecipeColumn,
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
    sinkFor?: OutputFileFor,
  ): Promise<JobTargetOutput>;
}

/**
 * A folder (of the browser's storage) where the encoder writes each shared Parquet file as it
 * encodes it, to wait there until packaged; `files` collects the names, for the caller to
 * remove once the package is written (see removeScratch).
 */
export interface ShareScratch {
  dir: FileSystemDirectoryHandle;
  files: string[];
  /** How the files' names start; default `.decant-tmp-share-<random>-`. */
  prefix?: string;
}

export interface ShareDeps {
  engine: ShareEngine;
  /** Serves `table` in the engine as `"database"."name"`; throws when it cannot be read now. */
  serve(table: CatalogTable): Promise<void>;
  /** The saved job named `name` (a table a job wrote says so in `updatedBy`), if still there. */
  job(name: string): Promise<Job | undefined>;
  /**
   * A catalog table's columns, partition keys last (what a recipe says its job's sources read),
   * or null when the catalog has no such table.
   */
  tableColumns(database: string, table: string): readonly RecipeColumn[] | null;
}

/** One table to share and its rules. */
export interface ShareTableRequest {
  table: CatalogTable;
  rules: ShareRules;
  /**
   * Whether the recipe of the job that made the table goes in the package (default true). It
   * holds the job's literal values, which may be values of a withheld column (recipeExposures).
   */
  includeRecipe?: boolean;
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
 * Writes every table's shared rows as Parquet (in the engine and the encoder worker; into
 * `opts.scratch` as they are encoded, else held as Blobs until packaged) and gathers what the
 * package says of them. Rejects with `share:`
 * DecantErrors (a table that cannot be read, rules that do not compile) or the engine's error;
 * code 'cancelled' when `signal` aborts.
 */
export async function prepareShare(
  request: ShareRequest,
  deps: ShareDeps,
  opts: {
    signal?: AbortSignal;
    onProgress?(p: PrepareProgress): void;
    scratch?: ShareScratch;
  } = {},
): Promise<PackageInput> {
  if (request.tables.length === 0)
    throw new DecantError('choose at least one table to share', { domain: 'share' });
  if (!request.title.trim()) throw new DecantError('give the package a title', { domain: 'share' });
  // Every table's rules are checked before any is written.
  const shares = request.tables.map((t) => compileShare(t.table, t.rules));
  const tables: PackageTableInput[] = [];
  for (const [index, { table, includeRecipe }] of request.tables.entries()) {
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
      opts.scratch ? scratchFileFor(opts.scratch, index) : undefined,
    );
    tables.push({
      table,
      share,
      parts: out.files.map((f) => ({ values: f.values, rows: f.rows, data: f.blob })),
      statistics: {
        of: 'shared',
        columns: await sharedStatistics(deps.engine, share).catch(() => []),
      },
      ...(includeRecipe === false
        ? { recipeLeftOut: table.updatedBy.kind === 'job' }
        : { recipe: await recipeOf(table, deps) }),
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

/** Scratch files for table `index`'s parts, under hidden names nothing else reads. */
function scratchFileFor(scratch: ShareScratch, index: number): OutputFileFor {
  const prefix = scratch.prefix ?? `.decant-tmp-share-${Math.random().toString(36).slice(2, 10)}-`;
  return async (_values, part) => {
    const name = `${prefix}${index}-${part}.parquet`;
    scratch.files.push(name);
    return scratch.dir.getFileHandle(name, { create: true });
  };
}

/** Removes the scratch files of a share, whatever became of it. */
export async function removeScratch(scratch: ShareScratch): Promise<void> {
  for (const name of scratch.files.splice(0))
    await scratch.dir.removeEntry(name).catch(() => undefined);
}

/**
 * The first `limit` shared rows (the package's own SELECT): a table's rows as the recipient
 * will see them, for the dialog's preview. The result is the caller's to page and drop.
 */
export function previewSql(share: CompiledShare, limit = 20): string {
  return `${share.sql.text} LIMIT ${Math.max(0, Math.floor(limit))}`;
}

/**
 * The recipe of the job that wrote `table`, when the catalog says a job made it and that job is
 * still saved. None when a source the job reads is no longer in the catalog: a recipe that could
 * not say what to bind that source to would not open.
 */
async function recipeOf(table: CatalogTable, deps: ShareDeps): Promise<Recipe | undefined> {
  if (table.updatedBy.kind !== 'job') return undefined;
  const job = await deps.job(table.updatedBy.name).catch(() => undefined);
  if (!job) return undefined;
  try {
    // Without secrets (a Detect Sensitive Data node's salt): the package is for others.
    return recipeFromJob(jobWithoutSecrets(job), (n) =>
      n.kind === 'file-source'
        ? n.options.columns
        : deps.tableColumns(n.options.database, n.options.table),
    );
  } catch {
    return undefined;
  }
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
