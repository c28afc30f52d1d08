/**
 * What a job run reads from the catalog: each catalog source's table attached in the engine,
 * its files with their stamps (path, size, lastModified), and the files its bookmark skips;
 * and, for the job page, the files the next run will read.
 */
import type { CatalogTable } from '../../catalog';
import { ident, joinSql, raw, sql } from '../../core/sql/sql-template';
import { typeSql } from '../../core/sql/table-view';
import { quotedName } from '../../core/quoted-name';
import { processedPaths, unprocessedFiles } from '../bookmarks';
import type { SourceTable } from '../context';
import { JobError } from '../errors';
import type { BookmarkMode, CatalogSourceNode, Job, NodeId } from '../model';
import type { CompiledJob } from '../compile';
import type { FileStamp, JobBookmark, JobRun, RunLogLine, RunSource } from '../run-model';
import { rowsInFromCatalog } from '../run-metrics';
import type { JobStore } from '../store';
import type { JobCatalog, JobEngine } from './ports';

/** Per catalog source of a job: the files its next run reads, as its bookmark mode says. */
export interface NextFiles {
  nodeId: NodeId;
  /** The node's name. */
  name: string;
  /** `database.table`. */
  table: string;
  mode: BookmarkMode;
  /** Files the next run reads; null when the table cannot say (not in the catalog). */
  files: FileStamp[] | null;
  /** Files in the table. */
  total: number;
  /** Files the bookmark skips. */
  skipped: number;
  note?: string;
}

/** What a run reads: the catalog tables (attached now), their files' stamps, bookmarks. */
export interface PreparedSources {
  tables: SourceTable[];
  stamps: Map<NodeId, Map<string, FileStamp>>;
  /** Per source, the catalog paths its bookmark says were processed (the compiler skips them). */
  processed: Map<NodeId, string[]>;
  bookmarks: Map<NodeId, JobBookmark>;
  /** Tables' recorded row counts, by `JSON.stringify([database, table])`. */
  recordCounts: Map<string, number | undefined>;
  /** Drops the tables loaded for this run only (bookmark subsets); call when the run ends. */
  release(): Promise<void>;
}

/** Where bookmark subsets of Parquet and JSON tables are loaded, one table per source and run. */
const SUBSET_DATABASE = '__decant_job_subsets';
let subsets = 0;

/** What preparing a run's sources reads from. */
export interface SourceDeps {
  catalog: JobCatalog;
  engine: Pick<JobEngine, 'tableScan'>;
  store: Pick<JobStore, 'bookmarks'>;
}

/**
 * The catalog tables the job's sources read, each attached in the engine afresh, with their
 * files and bookmarks. Throws a JobError on the source whose table cannot be read now.
 */
export async function prepareSources(
  job: Job,
  deps: SourceDeps,
  log: (l: RunLogLine['level'], m: string) => void,
): Promise<PreparedSources> {
  const catalog = deps.catalog;
  await catalog.whenReady();
  const bookmarks =
    job.bookmarks === 'disable'
      ? new Map<NodeId, JobBookmark>()
      : await deps.store.bookmarks(job.name);
  const tables: SourceTable[] = [];
  const stamps = new Map<NodeId, Map<string, FileStamp>>();
  const processed = new Map<NodeId, string[]>();
  const recordCounts = new Map<string, number | undefined>();
  const loaded: (() => Promise<void>)[] = [];
  for (const n of job.nodes) {
    if (n.kind !== 'catalog-source') continue;
    const { database, table } = n.options;
    const t = await catalog.getTable(database, table);
    if (!t) continue; // compileJob says so, on the node
    const a = await catalog.attach(t);
    if (a.kind !== 'attached')
      throw new JobError(job.name, [{ nodeId: n.id, message: `${label(n)}: ${a.message}` }]);
    const files = t.sources.map((s) => ({
      path: s.path,
      size: s.size,
      lastModified: s.lastModified,
    }));
    stamps.set(n.id, new Map(files.map((f) => [f.path, f])));
    recordCounts.set(JSON.stringify([database, table]), t.parameters.recordCount);
    let scan: SourceTable['scan'];
    if (t.classification === 'csv') {
      const { dialect, registered } = await deps.engine.tableScan(database, table);
      if (registered.length === t.sources.length)
        scan = {
          dialect,
          files: t.sources.map((s, i) => ({ path: s.path, registered: registered[i]! })),
        };
    }
    const partitions = await catalog.listPartitions(database, table);
    let subset: SourceTable['subset'];
    if (job.bookmarks !== 'disable') {
      const done = processedPaths(files, bookmarks.get(n.id)?.files ?? []);
      processed.set(n.id, done);
      if (!scan) {
        subset = await loadSubset(t, done, catalog, loaded);
        if (done.length > 0)
          log(
            'info',
            `${label(n)}: ${subset.files.length} file(s) the bookmark has not seen loaded for this run`,
          );
      }
    }
    const i = tables.findIndex((x) => x.database === database && x.name === table);
    if (i < 0) tables.push(sourceTableOf(t, partitions, scan, subset));
    else tables[i] = { ...tables[i]!, ...(scan ? { scan } : {}), ...(subset ? { subset } : {}) };
  }
  const release = async () => {
    for (const drop of loaded) await drop().catch(() => undefined);
  };
  return { tables, stamps, processed, bookmarks, recordCounts, release };
}

/**
 * A Parquet or JSON table's files the bookmark has not seen, loaded into a table of their own
 * (the engine cannot pick such a table's files by name): the whole table when none was
 * processed yet, a typed empty relation when all were.
 */
async function loadSubset(
  t: CatalogTable,
  done: readonly string[],
  catalog: JobCatalog,
  loaded: (() => Promise<void>)[],
): Promise<NonNullable<SourceTable['subset']>> {
  const skip = new Set(done);
  const sources = t.sources.filter((s) => !skip.has(s.path));
  const files = sources.map((s) => s.path);
  if (skip.size === 0) return { ref: ident(t.database, t.name).text, files };
  if (sources.length === 0) {
    const typed = [...t.columns, ...t.partitionKeys].map(
      (c) => sql`CAST(NULL AS ${raw(typeSql(c.type))}) AS ${ident(c.name)}`,
    );
    return { ref: sql`(SELECT ${joinSql(typed)} WHERE false)`.text, files };
  }
  const name = `subset_${++subsets}_${Date.now().toString(36)}`;
  loaded.push(await catalog.attachCopy({ ...t, sources }, { database: SUBSET_DATABASE, name }));
  return { ref: ident(SUBSET_DATABASE, name).text, files };
}

/** Per catalog source, the files the next run will read. */
export async function nextFilesOf(
  job: Job,
  catalog: Pick<JobCatalog, 'whenReady' | 'getTable'>,
  bookmarks: ReadonlyMap<NodeId, JobBookmark>,
): Promise<NextFiles[]> {
  await catalog.whenReady();
  const out: NextFiles[] = [];
  for (const n of job.nodes) {
    if (n.kind !== 'catalog-source') continue;
    const { database, table } = n.options;
    const base = { nodeId: n.id, name: n.name, table: `${database}.${table}`, mode: job.bookmarks };
    const t = await catalog.getTable(database, table);
    if (!t) {
      out.push({ ...base, files: null, total: 0, skipped: 0, note: 'not in the catalog' });
      continue;
    }
    const all = t.sources.map((s) => ({
      path: s.path,
      size: s.size,
      lastModified: s.lastModified,
    }));
    const bookmarked = job.bookmarks !== 'disable';
    const files = bookmarked ? unprocessedFiles(all, bookmarks.get(n.id)?.files ?? []) : all;
    out.push({ ...base, files, total: all.length, skipped: all.length - files.length });
  }
  return out;
}

/** Files of the partitions a source reads that its bookmark skips. */
function skippedByBookmark(
  s: { nodeId: NodeId; table?: { database: string; name: string }; partitions: string[] | null },
  p: { processed: ReadonlyMap<NodeId, string[]>; tables: readonly SourceTable[] },
): number {
  const done = p.processed.get(s.nodeId) ?? [];
  if (s.partitions === null) return done.length;
  const chosen = new Set(s.partitions);
  const t = p.tables.find((x) => x.database === s.table?.database && x.name === s.table?.name);
  const wanted = new Set(
    (t?.partitions ?? []).filter((x) => chosen.has(x.location)).flatMap((x) => x.files),
  );
  return done.filter((f) => wanted.has(f)).length;
}

function sourceTableOf(
  t: CatalogTable,
  partitions: SourceTable['partitions'],
  scan: SourceTable['scan'],
  subset: SourceTable['subset'],
): SourceTable {
  return {
    database: t.database,
    name: t.name,
    columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
    partitionKeys: t.partitionKeys.map((c) => ({ name: c.name, type: c.type })),
    partitions,
    ...(scan ? { scan } : {}),
    ...(subset ? { subset } : {}),
  };
}

function label(n: CatalogSourceNode): string {
  return `source ${quotedName(n.name)}`;
}

/**
 * What the run record says about its sources once the job is compiled: each source's files (with
 * their stamps) and bytes, files the bookmark skipped, and rows in where the catalog knows them.
 */
export function runSourcesOf(
  compiled: Pick<CompiledJob, 'sources'>,
  prepared: PreparedSources,
): { sources: RunSource[]; nodes: JobRun['nodes'] } {
  const sources = compiled.sources.map((s): RunSource => {
    const stamps = prepared.stamps.get(s.nodeId);
    const files = s.files && stamps ? s.files.map((p) => stamps.get(p)!).filter(Boolean) : null;
    return {
      nodeId: s.nodeId,
      label: s.table ? `${s.table.database}.${s.table.name}` : (s.file ?? s.nodeId),
      files,
      skipped: files ? skippedByBookmark(s, prepared) : 0,
      bytes: (files ?? [...(stamps?.values() ?? [])]).reduce((n, f) => n + f.size, 0),
    };
  });
  const nodes: JobRun['nodes'] = {};
  for (const s of compiled.sources) {
    const t = prepared.tables.find(
      (x) => x.database === s.table?.database && x.name === s.table?.name,
    );
    const key = JSON.stringify([s.table?.database, s.table?.name]);
    const rows = t ? rowsInFromCatalog(s, t, prepared.recordCounts.get(key)) : undefined;
    if (rows !== undefined) nodes[s.nodeId] = { rowsIn: rows, rowsOut: rows };
  }
  return { sources, nodes };
}
