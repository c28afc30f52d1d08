/**
 * The crawl pipeline as one service, used by the Crawlers page and by the scheduler alike: list
 * the crawler's sources, classify every file in the engine, plan tables and apply the crawler's
 * policies (planCrawl); copy what must be kept and write the plan in one catalog transaction
 * (commitCrawl); record the run. Every port is an argument; an AbortSignal stops it between
 * steps, and a commit that fails or is stopped removes the copies it made, so nothing is left.
 */
import type {
  CatalogPartition,
  CatalogTable,
  Crawler,
  CrawlerRun,
  CrawlerSource,
  CsvClassifier,
  TableDraft,
} from '../catalog';
import type { CsvDialect } from '../core/csv/dialect';
import { DecantError } from '../core/errors';
import type {
  CrawlOutcome,
  CrawlProgress,
  CrawlRequest,
  CrawlRequestOptions,
} from '../engine/protocol';
import type { CrawlDecisions } from './policies';
import type { CrawlPlan } from './crawl-plan';
import { applyPolicies, CRAWLER_PARAMETER, splitNewFolders } from './policies';
import { filterCrawlFiles } from './skip-rules';
import { groupTables } from './group-tables';
import type { ClassifiedFile } from './crawl-file';
import type { CrawlInput } from './crawl-input';
import { formatKeyOf, kindOf, partitionsFor, tableDraftFor, UNSAVED } from './crawl-drafts';
import { sourceLabel, tableSourceFor, type KeepCopy, type SourceProblem } from './crawl-sources';

/** The engine as the crawl uses it: files classified in the worker, cancelled by `signal`. */
export interface CrawlEngine {
  crawlFiles(
    files: CrawlRequest[],
    opts: CrawlRequestOptions,
    onProgress: (p: CrawlProgress) => void,
    signal?: AbortSignal,
  ): Promise<CrawlOutcome>;
}

/** The catalog as the crawl reads and writes it (CatalogStore fits). */
export interface CrawlCatalog {
  listAllTables(): Promise<CatalogTable[]>;
  listClassifiers(): Promise<CsvClassifier[]>;
  commitTables(
    database: string,
    entries: { draft: TableDraft; partitions: CatalogPartition[] }[],
    gone?: { delete?: string[]; deprecate?: string[] },
  ): Promise<CatalogTable[]>;
  recordCrawlerRun(run: CrawlerRun): Promise<void>;
}

/** The browser's storage for kept copies (OPFS in the app, a folder in tests). */
export interface CopyStore {
  copy: KeepCopy;
  remove(name: string): Promise<void>;
}

export interface CrawlPorts {
  engine: CrawlEngine;
  catalog: CrawlCatalog;
  copies: CopyStore;
  /** Lists saved sources into files; a source that cannot be read is a problem, not a failure. */
  list(
    sources: readonly CrawlerSource[],
  ): Promise<{ inputs: CrawlInput[]; problems: SourceProblem[] }>;
}

/** What a crawl reads besides the crawler's saved sources: files just dropped or pasted. */
export interface CrawlExtras {
  inputs: CrawlInput[];
  /** How those are named in the run record. */
  labels: string[];
}

export type CrawlStep =
  | { kind: 'listing' }
  | ({ kind: 'classifying' } & CrawlProgress)
  | { kind: 'committing'; done: number; total: number };

/** A finished plan, with what the commit needs to write it. */
export interface PlannedCrawl {
  plan: CrawlPlan;
  decisions: CrawlDecisions;
  inputs: CrawlInput[];
  dialects: Map<string, CsvDialect>;
  notes: string[];
  bytesRead: number;
  /** Time spent listing, classifying and planning. */
  ms: number;
  /** Time commitCrawl spent writing, set when it ends (written or not). */
  commitMs?: number;
}

/** A run's identity and the time it began, fixed before it starts. */
export interface RunIdentity {
  runId: string;
  startedAt: number;
}

const stopped = () => new DecantError('crawler: the crawl was cancelled', { code: 'cancelled' });

function checkSignal(signal: AbortSignal): void {
  if (signal.aborted) throw stopped();
}

/** Lists, classifies and plans; the catalog and the browser's storage are not touched. */
export async function planCrawl(
  ports: CrawlPorts,
  crawler: Crawler,
  extras: CrawlExtras,
  signal: AbortSignal,
  onStep: (s: CrawlStep) => void = () => undefined,
): Promise<PlannedCrawl> {
  const t0 = performance.now();
  const notes: string[] = [];
  onStep({ kind: 'listing' });
  const listed = await ports.list(crawler.sources);
  checkSignal(signal);
  const skipped = listed.problems.map((p) => ({ path: p.source, reason: p.reason }));
  const inputs = [...listed.inputs, ...extras.inputs];
  // Excluded and hidden files (_SUCCESS, .DS_Store…) are never read.
  const filtered = filterCrawlFiles(inputs, crawler.exclusions);
  skipped.push(...filtered.skipped);
  const tables = await ports.catalog.listAllTables();
  const database = crawler.database.trim();
  const owned = ownedTables(tables, crawler);
  let toRead = filtered.kept;
  let known: ClassifiedFile[] = [];
  if (crawler.recrawlPolicy === 'CRAWL_NEW_FOLDERS_ONLY' && owned.length > 0) {
    const split = splitNewFolders(filtered.kept, owned, formatKeyOf);
    toRead = split.read;
    known = split.known;
    if (split.skippedFolders > 0)
      notes.push(
        `${split.skippedFolders} folder(s) crawled before were not read again (recrawl policy: new folders only)`,
      );
  }
  const requests: CrawlRequest[] = [];
  for (const f of toRead) {
    const kind = kindOf(f.path);
    if (!kind) skipped.push({ path: f.path, reason: 'not CSV, JSON or Parquet by its name' });
    else requests.push(requestFor(f, kind));
  }
  const classifiers = await chosenClassifiers(ports.catalog, crawler.classifiers, notes);
  checkSignal(signal);
  onStep({ kind: 'classifying', done: 0, total: requests.length, bytes: 0 });
  const outcome = await ports.engine.crawlFiles(
    requests,
    { sampleSize: crawler.sampleSize, classifiers },
    (p) => onStep({ kind: 'classifying', ...p }),
    signal,
  );
  checkSignal(signal);
  notes.push(...outcome.notes);
  const grouped = groupTables([...outcome.files, ...known], {
    exclusions: crawler.exclusions,
    tablePrefix: crawler.tablePrefix.trim(),
    tableThreshold: crawler.tableThreshold,
  });
  const dialects = new Map<string, CsvDialect>();
  for (const f of outcome.files) if (f.dialect) dialects.set(f.path, f.dialect);
  const plan = { ...grouped, skipped: [...skipped, ...outcome.skipped, ...grouped.skipped] };
  const existing = tables.filter((t) => t.database === database);
  const decisions = applyPolicies(plan, existing, owned, crawler.schemaChangePolicy);
  return {
    plan,
    decisions,
    inputs,
    dialects,
    notes,
    bytesRead: outcome.bytesRead,
    ms: performance.now() - t0,
  };
}

function requestFor(f: CrawlInput, kind: CrawlRequest['kind']): CrawlRequest {
  const meta = { path: f.path, size: f.size, lastModified: f.lastModified, kind };
  if (f.kind === 'local') return { ...meta, file: f.file };
  return {
    ...meta,
    file: { kind: 'url', url: f.url, size: f.size, name: f.path, lastModified: f.lastModified },
  };
}

/**
 * The crawler's custom classifiers as saved now, in its order (the engine tries them before the
 * built-in one); a name no longer saved is left out, with a note.
 */
async function chosenClassifiers(
  catalog: CrawlCatalog,
  names: readonly string[],
  notes: string[],
): Promise<CsvClassifier[]> {
  if (names.length === 0) return [];
  const saved = await catalog.listClassifiers();
  const chosen: CsvClassifier[] = [];
  for (const name of names) {
    const found = saved.find((k) => k.name === name);
    if (found) chosen.push(found);
    else notes.push(`classifier "${name}" is no longer saved: not tried`);
  }
  return chosen;
}

/** Tables an earlier run of this (saved) crawler made in its database; none for an unsaved one. */
export function ownedTables(tables: readonly CatalogTable[], crawler: Crawler): CatalogTable[] {
  const name = crawler.name.trim();
  if (!name) return [];
  const database = crawler.database.trim();
  return tables.filter((t) => t.database === database && t.parameters[CRAWLER_PARAMETER] === name);
}

/**
 * Writes what the policies allow, all or nothing: files without a way back are copied first
 * (checking `signal` between copies), then one catalog transaction. On failure or cancel, the
 * copies this commit made are removed before the error is passed on.
 */
export async function commitCrawl(
  ports: CrawlPorts,
  crawler: Crawler,
  planned: PlannedCrawl,
  signal: AbortSignal,
  onStep: (s: CrawlStep) => void = () => undefined,
): Promise<CatalogTable[]> {
  const { decisions } = planned;
  const database = crawler.database.trim();
  const byPath = new Map(planned.inputs.map((f) => [f.path, f]));
  const total = decisions.write.reduce((n, w) => n + w.plan.files.length, 0);
  const made: string[] = [];
  const keep: KeepCopy = async (file, id) => {
    const name = await ports.copies.copy(file, id);
    made.push(name);
    return name;
  };
  let done = 0;
  const t0 = performance.now();
  try {
    const current = await ports.catalog.listAllTables();
    const entries = [];
    for (const w of decisions.write) {
      const sources = [];
      for (const cf of w.plan.files) {
        checkSignal(signal);
        onStep({ kind: 'committing', done: done++, total });
        const input = byPath.get(cf.path);
        if (!input) throw new DecantError(`crawler: "${cf.path}" was planned but not listed`);
        const source = await tableSourceFor(input, crawler.keepCopies, keep);
        // A file without some of the table's columns keeps its own list (read as NULLs).
        const own = cf.columns.map((x) => x.name);
        if (own.join('\u0000') !== w.plan.columns.map((x) => x.name).join('\u0000'))
          source.columns = own;
        sources.push(source);
      }
      entries.push({
        draft: tableDraftFor(w.plan, sources, {
          crawler,
          dialect: planned.dialects.get(w.plan.files[0]?.path ?? ''),
          current: current.find((x) => x.database === database && x.name === w.plan.name),
        }),
        partitions: partitionsFor(w.plan, database),
      });
    }
    checkSignal(signal);
    const gone = {
      delete: decisions.gone.filter((g) => g.action === 'delete').map((g) => g.table),
      deprecate: decisions.gone.filter((g) => g.action === 'deprecate').map((g) => g.table),
    };
    onStep({ kind: 'committing', done: total, total });
    return await ports.catalog.commitTables(database, entries, gone);
  } catch (e) {
    // Nothing was written: the copies made for it would be referenced by nothing.
    for (const name of made) await ports.copies.remove(name).catch(() => undefined);
    for (const f of planned.inputs)
      if (f.kind === 'local' && f.opfsPath && made.includes(f.opfsPath)) delete f.opfsPath;
    throw e;
  } finally {
    planned.commitMs = performance.now() - t0;
  }
}

/** The record of a run: RUNNING while it goes, then what it did. */
export function crawlerRunRecord(
  id: RunIdentity,
  crawler: Crawler,
  labels: string[],
  state: CrawlerRun['state'],
  planned: PlannedCrawl | null,
  error?: string,
): CrawlerRun {
  const d = planned?.decisions;
  const plan = planned?.plan;
  const written = d?.write ?? [];
  const ok = state === 'SUCCEEDED';
  return {
    id: id.runId,
    crawler: crawler.name.trim() || UNSAVED,
    state,
    startedAt: id.startedAt,
    endedAt: state === 'RUNNING' ? id.startedAt : Date.now(),
    // Work time only: the page's crawl waits for Commit while the user reads the plan.
    ...(planned ? { activeMs: Math.round(planned.ms + (planned.commitMs ?? 0)) } : {}),
    database: crawler.database.trim(),
    sources: [...crawler.sources.map(sourceLabel), ...labels],
    tablesCreated: ok ? written.filter((w) => !w.existing).map((w) => w.plan.name) : [],
    tablesUpdated: ok ? written.filter((w) => w.existing).map((w) => w.plan.name) : [],
    tablesDeprecated: ok
      ? (d?.gone.filter((g) => g.action === 'deprecate').map((g) => g.table) ?? [])
      : [],
    tablesDeleted: ok
      ? (d?.gone.filter((g) => g.action === 'delete').map((g) => g.table) ?? [])
      : [],
    logged: [...(d?.log ?? []), ...(planned?.notes ?? [])],
    partitions: plan?.tables.reduce((n, t) => n + t.partitions.length, 0) ?? 0,
    filesRead: plan?.tables.reduce((n, t) => n + t.files.length, 0) ?? 0,
    bytesRead: planned?.inputs.reduce((n, f) => n + f.size, 0) ?? 0,
    skipped: plan?.skipped ?? [],
    ...(error === undefined ? {} : { error }),
  };
}

/** A crawl's error as a DecantError, and the state its run is recorded in. */
export function crawlFailure(e: unknown): { error: DecantError; state: CrawlerRun['state'] } {
  const error =
    e instanceof DecantError
      ? e
      : new DecantError(`crawler: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  return { error, state: error.code === 'cancelled' ? 'CANCELLED' : 'FAILED' };
}

/**
 * A whole run without a page (the scheduler's): recorded RUNNING under `runId` first, then
 * planned, committed and recorded as it ended. Never rejects: the record says what happened.
 */
export async function runCrawl(
  ports: CrawlPorts,
  crawler: Crawler,
  id: RunIdentity,
  signal: AbortSignal,
  extras: CrawlExtras = { inputs: [], labels: [] },
  onStep?: (s: CrawlStep) => void,
): Promise<CrawlerRun> {
  const record = async (run: CrawlerRun) => {
    // A run that cannot be recorded must not undo or hide the crawl itself.
    await ports.catalog.recordCrawlerRun(run).catch(() => undefined);
    return run;
  };
  await record(crawlerRunRecord(id, crawler, extras.labels, 'RUNNING', null));
  let planned: PlannedCrawl | null = null;
  try {
    planned = await planCrawl(ports, crawler, extras, signal, onStep);
    await commitCrawl(ports, crawler, planned, signal, onStep);
    return await record(crawlerRunRecord(id, crawler, extras.labels, 'SUCCEEDED', planned));
  } catch (e) {
    const { error, state } = crawlFailure(e);
    return await record(
      crawlerRunRecord(id, crawler, extras.labels, state, planned, error.message),
    );
  }
}
