import { DecantError } from '../core/errors';
import type { CsvDialect } from '../core/csv/dialect';
import { widenOnCastError } from '../core/csv/widen-column';
import type { EngineClient } from '../engine/client';
import type { CatalogPartition, CatalogTable, CrawlerRun, TableSource } from '../catalog/model';
import {
  filterCrawlFiles,
  groupTables,
  type ClassifiedFile,
  type CrawlPlan,
  type TablePlan,
} from '../crawler';
import type { CatalogState } from './catalog.svelte';
import type { FoundFile } from './folder-files';
import { copyToOpfs } from './opfs';
import { parametersFromDialect } from './table-files';

export type CrawlState =
  | { kind: 'idle' }
  | { kind: 'classifying'; done: number; total: number; bytes: number }
  | { kind: 'planned'; plan: CrawlPlan; ms: number; bytes: number }
  | { kind: 'committing'; done: number; total: number }
  | { kind: 'committed'; plan: CrawlPlan; tables: CatalogTable[] }
  | { kind: 'failed'; error: DecantError };

const CSV = /\.(csv|tsv|txt|tab|psv|dat)(\.gz|\.gzip)?$/i;
const JSON_FILE = /\.(json|ndjson|jsonl)$/i;
const PARQUET = /\.parquet$/i;

let nextId = 0;

/**
 * One crawl of dropped files and folders: classify every file in the engine, group the files
 * into tables with partitions (src/crawler), show the plan, and on the user's word commit it to
 * the catalog in one transaction. Nothing reaches the catalog before that.
 */
export class CrawlSession {
  state = $state.raw<CrawlState>({ kind: 'idle' });
  database = $state('default');
  tablePrefix = $state('');
  exclusions = $state('**/_tmp/**\n**/*.crc');
  /** Keep a copy of files that have no handle, so the tables survive a reload. */
  keepCopies = $state(true);
  found = $state.raw<FoundFile[]>([]);
  /** What the crawl corrected on the way, e.g. a column read as text because of a late value. */
  notes = $state.raw<string[]>([]);
  /** Earlier runs, newest first (kept in the catalog's storage). */
  runs = $state.raw<CrawlerRun[]>([]);
  private startedAt = 0;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, never rendered
  private dialects = new Map<string, CsvDialect>();
  private cancelled = false;
  private engine: EngineClient;
  private catalog: CatalogState;

  constructor(engine: EngineClient, catalog: CatalogState) {
    this.engine = engine;
    this.catalog = catalog;
  }

  setFiles(files: FoundFile[]): void {
    this.found = files;
    this.state = { kind: 'idle' };
  }

  cancel(): void {
    this.cancelled = true;
  }

  /** Classifies every file (unreadable ones are skipped with their reason) and plans the tables. */
  async run(): Promise<void> {
    const t0 = performance.now();
    this.startedAt = Date.now();
    this.cancelled = false;
    const exclusions = this.exclusions
      .split('\n')
      .map((g) => g.trim())
      .filter(Boolean);
    let files: FoundFile[];
    const skipped: { path: string; reason: string }[] = [];
    try {
      // Excluded and hidden files (_SUCCESS, .DS_Store…) are never read.
      const filtered = filterCrawlFiles(this.found, exclusions);
      files = filtered.kept;
      skipped.push(...filtered.skipped);
    } catch (e) {
      this.state = {
        kind: 'failed',
        error: e instanceof DecantError ? e : new DecantError(String(e)),
      };
      return;
    }
    const classified: ClassifiedFile[] = [];
    let bytes = 0;
    this.dialects.clear();
    this.notes = [];
    for (let i = 0; i < files.length; i++) {
      if (this.cancelled) {
        const error = new DecantError('crawler: cancelled; nothing was written', {
          code: 'cancelled',
        });
        this.state = { kind: 'failed', error };
        await this.record('CANCELLED', null, [], error.message);
        return;
      }
      this.state = { kind: 'classifying', done: i, total: files.length, bytes };
      const f = files[i]!;
      try {
        const c = await this.classify(f);
        if (c) classified.push(c);
        else skipped.push({ path: f.path, reason: 'not CSV, JSON or Parquet by its name' });
      } catch (e) {
        skipped.push({ path: f.path, reason: e instanceof Error ? e.message : String(e) });
      }
      bytes += f.file.size;
    }
    try {
      const plan = groupTables(classified, { exclusions, tablePrefix: this.tablePrefix.trim() });
      this.state = {
        kind: 'planned',
        plan: { ...plan, skipped: [...skipped, ...plan.skipped] },
        ms: performance.now() - t0,
        bytes,
      };
    } catch (e) {
      this.state = {
        kind: 'failed',
        error: e instanceof DecantError ? e : new DecantError(String(e)),
      };
    }
  }

  private async classify(f: FoundFile): Promise<ClassifiedFile | null> {
    const kind = CSV.test(f.path)
      ? 'csv'
      : JSON_FILE.test(f.path)
        ? 'json'
        : PARQUET.test(f.path)
          ? 'parquet'
          : null;
    if (!kind) return null;
    const base = { path: f.path, size: f.file.size, lastModified: f.file.lastModified };
    const id = `crawl-${++nextId}`;
    await this.engine.addFile(id, f.file);
    try {
      if (kind === 'csv') return { ...base, ...(await this.classifyCsv(id, f.path)) };
      const schema =
        kind === 'json' ? await this.engine.inspectJson(id) : await this.engine.inspectParquet(id);
      return {
        ...base,
        classification: schema.classification,
        columns: schema.columns,
        formatKey: schema.classification,
        rowCount: schema.rowCount,
      };
    } finally {
      await this.engine.removeFile(id).catch(() => undefined);
    }
  }

  /**
   * Dialect and types from the sniffer, then the whole file read with them: a value the sample
   * missed widens its column (with a note) before the types can reach the catalog.
   */
  private async classifyCsv(id: string, path: string) {
    const found = await this.engine.inspect(id, { previewRows: 0 });
    this.dialects.set(path, found.dialect);
    let columns = found.columns;
    for (;;) {
      try {
        const rowCount = await this.engine.validateCsv(id, {
          dialect: found.dialect,
          columns,
          badRows: 'error',
        });
        const d = found.dialect;
        // Files share a table only when they are read the same way.
        const formatKey = JSON.stringify([
          d.delimiter,
          d.quote,
          d.escape,
          d.header,
          d.encoding,
          d.decimalSeparator,
          d.dateFormat,
          d.timestampFormat,
        ]);
        return { classification: 'csv' as const, columns, formatKey, rowCount };
      } catch (e) {
        const widened = e instanceof DecantError ? widenOnCastError(columns, e) : null;
        if (!widened) throw e;
        columns = widened.columns;
        this.notes = [...this.notes, `${path}: ${widened.note}`];
      }
    }
  }

  /** Writes the planned tables and partitions to the catalog, all or nothing. */
  async commit(): Promise<void> {
    const s = this.state;
    if (s.kind !== 'planned') return;
    const plan = s.plan;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, never rendered
    const byPath = new Map(this.found.map((f) => [f.path, f]));
    const total = plan.tables.reduce((n, t) => n + t.files.length, 0);
    let done = 0;
    try {
      const entries = [];
      for (const t of plan.tables) {
        const sources: TableSource[] = [];
        for (const cf of t.files) {
          this.state = { kind: 'committing', done: done++, total };
          sources.push(await this.sourceFor(byPath.get(cf.path)!));
        }
        entries.push({
          draft: this.draftFor(t, sources),
          partitions: partitionsFor(t, this.database),
        });
      }
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, never rendered
      const existed = new Set(this.catalog.tables.map((t) => `${t.database}\u0000${t.name}`));
      const tables = await this.catalog.commitTables(this.database.trim(), entries);
      this.state = { kind: 'committed', plan, tables };
      const created = tables.filter((t) => !existed.has(`${t.database}\u0000${t.name}`));
      await this.record(
        'SUCCEEDED',
        plan,
        created.map((t) => t.name),
        undefined,
        tables.map((t) => t.name),
      );
    } catch (e) {
      const error = e instanceof DecantError ? e : new DecantError(`crawler: ${String(e)}`);
      this.state = { kind: 'failed', error };
      await this.record('FAILED', plan, [], error.message);
    }
  }

  /** Loads the run history for the page. */
  async loadRuns(): Promise<void> {
    this.runs = await this.catalog.listCrawlerRuns(20).catch(() => []);
  }

  private async record(
    state: CrawlerRun['state'],
    plan: CrawlPlan | null,
    created: string[],
    error?: string,
    all: string[] = created,
  ): Promise<void> {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, never rendered
    const roots = [...new Set(this.found.map((f) => f.path.split('/')[0]!))];
    const run: CrawlerRun = {
      id: `${this.startedAt.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      crawler: 'folder crawl',
      state,
      startedAt: this.startedAt,
      endedAt: Date.now(),
      database: this.database.trim(),
      sources: roots,
      tablesCreated: created,
      tablesUpdated: all.filter((t) => !created.includes(t)),
      partitions: plan?.tables.reduce((n, t) => n + t.partitions.length, 0) ?? 0,
      filesRead: plan?.tables.reduce((n, t) => n + t.files.length, 0) ?? 0,
      bytesRead: this.found.reduce((n, f) => n + f.file.size, 0),
      skipped: plan?.skipped ?? [],
      error,
    };
    // A run that cannot be recorded must not undo or hide the crawl itself.
    await this.catalog.recordCrawlerRun(run).catch(() => undefined);
    await this.loadRuns();
  }

  private async sourceFor(f: FoundFile): Promise<TableSource> {
    const meta = { path: f.path, size: f.file.size, lastModified: f.file.lastModified };
    if (f.handle) return { kind: 'file-handle', handle: f.handle, ...meta };
    if (!this.keepCopies)
      throw new DecantError(
        `crawler: "${f.path}" cannot be found again after a reload; keep copies in this browser, or drop the folder (Chromium keeps a link to it)`,
      );
    return {
      kind: 'opfs',
      opfsPath: await copyToOpfs(f.file, `${Date.now().toString(36)}-${++nextId}`),
      ...meta,
    };
  }

  private draftFor(t: TablePlan, sources: TableSource[]) {
    const d = this.dialects.get(t.files[0]?.path ?? '');
    const rows = t.files.every((f) => f.rowCount !== undefined)
      ? t.files.reduce((n, f) => n + (f.rowCount ?? 0), 0)
      : undefined;
    return {
      database: this.database.trim(),
      name: t.name,
      description: '',
      classification: t.classification,
      sources,
      columns: t.columns.map((c) => ({ ...c, comment: '' })),
      partitionKeys: t.partitionKeys.map((c) => ({ ...c, comment: '' })),
      parameters: {
        recordCount: rows,
        sizeBytes: t.files.reduce((n, f) => n + f.size, 0),
        objectCount: t.files.length,
        ...(d ? parametersFromDialect(d) : {}),
      },
      updatedBy: { kind: 'crawler' as const, name: 'folder crawl' },
    };
  }
}

function partitionsFor(t: TablePlan, database: string): CatalogPartition[] {
  return t.partitions.map((p) => ({
    database: database.trim(),
    table: t.name,
    values: p.values,
    location: p.location,
    files: p.files,
    rowCount: p.rowCount,
    sizeBytes: p.sizeBytes,
  }));
}
