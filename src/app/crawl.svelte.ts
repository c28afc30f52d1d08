import type { CsvDialect } from '../core/csv/dialect';
import { DecantError } from '../core/errors';
import type { EngineClient } from '../engine/client';
import type { CrawlOutcome, CrawlRequest } from '../engine/protocol';
import type {
  CatalogTable,
  Crawler,
  CrawlerRun,
  CrawlerSource,
  CsvClassifier,
} from '../catalog/model';
import {
  applyPolicies,
  CRAWLER_PARAMETER,
  filterCrawlFiles,
  groupTables,
  splitNewFolders,
  type ClassifiedFile,
  type CrawlDecisions,
  type CrawlPlan,
} from '../crawler';
import type { CatalogState } from './catalog.svelte';
import { localInput, type CrawlInput, type RemoteInput } from '../crawler/crawl-input';
import {
  listSources,
  requestAccess,
  sourceLabel,
  sourcesFromFound,
  tableSourceFor,
} from '../crawler/crawl-sources';
import type { FoundFile } from '../platform/folder-files';
import {
  formatKeyOf,
  kindOf,
  newCrawler,
  partitionsFor,
  tableDraftFor,
  UNSAVED,
} from '../crawler/crawl-drafts';

export { newCrawler, UNSAVED } from '../crawler/crawl-drafts';

export type CrawlState =
  | { kind: 'idle' }
  | { kind: 'listing' }
  | { kind: 'classifying'; done: number; total: number; bytes: number }
  | { kind: 'planned'; plan: CrawlPlan; decisions: CrawlDecisions; ms: number; bytes: number }
  | { kind: 'committing'; done: number; total: number }
  | { kind: 'committed'; plan: CrawlPlan; decisions: CrawlDecisions; tables: CatalogTable[] }
  | { kind: 'failed'; error: DecantError };

/**
 * A crawler being edited and run: list its sources (and whatever was just dropped), classify every
 * file in the engine worker, group the files into tables with partitions (src/crawler), apply
 * the crawler's policies against the catalog, show the plan, and on the user's word commit it in
 * one transaction. Nothing reaches the catalog before that.
 */
export class CrawlSession {
  state = $state.raw<CrawlState>({ kind: 'idle' });
  /** The crawler being edited; saved under its name. */
  crawler = $state<Crawler>(newCrawler());
  /** Saved crawlers, by name. */
  saved = $state.raw<Crawler[]>([]);
  /** Dropped or picked this session, not yet made into the crawler's sources. */
  found = $state.raw<FoundFile[]>([]);
  /** Remote files found from pasted URLs, not yet saved as sources. */
  remote = $state.raw<CrawlInput[]>([]);
  /** The pasted listings and URLs those came from, as a saved crawler keeps them. */
  private remoteSources: CrawlerSource[] = [];
  /** What the crawl corrected or assumed on the way. */
  notes = $state.raw<string[]>([]);
  /** Earlier runs, newest first. */
  runs = $state.raw<CrawlerRun[]>([]);
  private inputs: CrawlInput[] = [];
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, never rendered
  private readonly dialects = new Map<string, CsvDialect>();
  private startedAt = 0;
  private abort: AbortController | null = null;
  private engine: EngineClient;
  private catalog: CatalogState;

  constructor(engine: EngineClient, catalog: CatalogState) {
    this.engine = engine;
    this.catalog = catalog;
  }

  /** Back-compat names for the form: the crawler's database and prefix. */
  get database(): string {
    return this.crawler.database;
  }

  /** What the pasted URLs gave (see RemoteSources): read by the next run, kept by a save. */
  setRemote(inputs: RemoteInput[], sources: CrawlerSource[]): void {
    this.remote = inputs;
    this.remoteSources = sources;
    this.state = { kind: 'idle' };
  }

  setFiles(files: FoundFile[]): void {
    this.found = files;
    this.state = { kind: 'idle' };
  }

  /** Bytes of what was dropped or picked this session. */
  get foundBytes(): number {
    return this.found.reduce((n, f) => n + f.file.size, 0);
  }

  cancel(): void {
    this.abort?.abort();
  }

  // Saved crawlers

  async loadSaved(): Promise<void> {
    this.saved = (await this.catalog.records.listCrawlers().catch(() => [])).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
  }

  edit(c: Crawler | null): void {
    this.crawler = c ? structuredClone($state.snapshot(c) as Crawler) : newCrawler();
    // Handles do not survive structuredClone of a $state snapshot in every browser: keep them.
    if (c) this.crawler.sources = [...c.sources];
    this.found = [];
    this.setRemote([], []);
    this.notes = [];
    this.state = { kind: 'idle' };
    void this.loadRuns();
  }

  /** Saves the crawler; what was dropped becomes its sources (handles kept, or OPFS copies). */
  async save(): Promise<Crawler> {
    const c = this.crawler;
    if (!c.name.trim()) throw new DecantError('crawler: give the crawler a name to save it');
    const added = await sourcesFromFound(this.found, c.keepCopies);
    const remote = this.remoteSources;
    const now = Date.now();
    const record: Crawler = {
      ...($state.snapshot(c) as Crawler),
      name: c.name.trim(),
      // Plain records for IndexedDB: a $state proxy cannot be stored (handles are cloned as is).
      sources: [...($state.snapshot(c.sources) as CrawlerSource[]), ...added, ...remote],
      createdAt: c.createdAt || now,
      updatedAt: now,
    };
    const saved = await this.catalog.records.putCrawler(record);
    this.crawler.sources = saved.sources;
    this.crawler.name = saved.name;
    this.crawler.createdAt = saved.createdAt;
    this.found = [];
    this.setRemote([], []);
    await this.loadSaved();
    return saved;
  }

  async remove(name: string): Promise<void> {
    await this.catalog.records.deleteCrawler(name);
    if (this.crawler.name === name) this.edit(null);
    await this.loadSaved();
  }

  removeSource(index: number): void {
    this.crawler.sources = this.crawler.sources.filter((_, i) => i !== index);
  }

  // Runs

  /** Lists, classifies and plans; the catalog is not touched. */
  async run(): Promise<void> {
    const c = this.crawler;
    // First, inside the click: handles that lost permission with the last session ask again.
    await requestAccess(c.sources);
    const t0 = performance.now();
    this.startedAt = Date.now();
    this.abort = new AbortController();
    this.notes = [];
    this.state = { kind: 'listing' };
    try {
      const listed = await listSources(c.sources);
      const skipped = listed.problems.map((p) => ({ path: p.source, reason: p.reason }));
      const all: CrawlInput[] = [...listed.inputs, ...this.found.map(localInput), ...this.remote];
      this.inputs = all;
      // Excluded and hidden files (_SUCCESS, .DS_Store…) are never read.
      const filtered = filterCrawlFiles(all, c.exclusions);
      skipped.push(...filtered.skipped);
      const owned = this.ownedTables();
      let toRead = filtered.kept;
      let known: ClassifiedFile[] = [];
      if (c.recrawlPolicy === 'CRAWL_NEW_FOLDERS_ONLY' && owned.length > 0) {
        const split = splitNewFolders(filtered.kept, owned, formatKeyOf);
        toRead = split.read;
        known = split.known;
        if (split.skippedFolders > 0)
          this.notes = [
            `${split.skippedFolders} folder(s) crawled before were not read again (recrawl policy: new folders only)`,
          ];
      }
      const requests: CrawlRequest[] = [];
      for (const f of toRead) {
        const kind = kindOf(f.path);
        if (!kind) skipped.push({ path: f.path, reason: 'not CSV, JSON or Parquet by its name' });
        else if (f.kind === 'local')
          requests.push({
            path: f.path,
            size: f.size,
            lastModified: f.lastModified,
            kind,
            file: f.file,
          });
        else
          requests.push({
            path: f.path,
            size: f.size,
            lastModified: f.lastModified,
            kind,
            file: {
              kind: 'url',
              url: f.url,
              size: f.size,
              name: f.path,
              lastModified: f.lastModified,
            },
          });
      }
      const classifiers = await this.chosenClassifiers();
      this.state = { kind: 'classifying', done: 0, total: requests.length, bytes: 0 };
      const outcome: CrawlOutcome = await this.engine.crawlFiles(
        requests,
        { sampleSize: c.sampleSize, classifiers },
        // Progress comes over its own channel and may land after the result: never go back.
        (p) => {
          if (this.state.kind === 'classifying') this.state = { kind: 'classifying', ...p };
        },
        this.abort.signal,
      );
      this.notes = [...this.notes, ...outcome.notes];
      const plan = groupTables([...outcome.files, ...known], {
        exclusions: c.exclusions,
        tablePrefix: c.tablePrefix.trim(),
        tableThreshold: c.tableThreshold,
      });
      this.dialects.clear();
      for (const f of outcome.files) if (f.dialect) this.dialects.set(f.path, f.dialect);
      const full = { ...plan, skipped: [...skipped, ...outcome.skipped, ...plan.skipped] };
      const existing = this.catalog.tables.filter((t) => t.database === c.database.trim());
      const decisions = applyPolicies(full, existing, owned, c.schemaChangePolicy);
      this.state = {
        kind: 'planned',
        plan: full,
        decisions,
        ms: performance.now() - t0,
        bytes: outcome.bytesRead,
      };
    } catch (e) {
      const error = e instanceof DecantError ? e : new DecantError(`crawler: ${String(e)}`);
      this.state = { kind: 'failed', error };
      await this.record(
        error.code === 'cancelled' ? 'CANCELLED' : 'FAILED',
        null,
        null,
        error.message,
      );
    } finally {
      this.abort = null;
    }
  }

  /**
   * The crawler's custom classifiers as saved now, in its order (the engine tries them before
   * the built-in one); a name no longer saved is left out, with a note.
   */
  private async chosenClassifiers(): Promise<CsvClassifier[]> {
    const names = this.crawler.classifiers;
    if (names.length === 0) return [];
    const saved = await this.catalog.records.listClassifiers();
    const chosen: CsvClassifier[] = [];
    for (const name of names) {
      const found = saved.find((k) => k.name === name);
      if (found) chosen.push(found);
      else this.notes = [...this.notes, `classifier "${name}" is no longer saved: not tried`];
    }
    return chosen;
  }

  /** Tables an earlier run of this (saved) crawler made in its database. */
  private ownedTables(): CatalogTable[] {
    const name = this.crawler.name.trim();
    if (!name) return [];
    return this.catalog.tables.filter(
      (t) =>
        t.database === this.crawler.database.trim() && t.parameters[CRAWLER_PARAMETER] === name,
    );
  }

  /** Writes what the policies allow, all or nothing, and records the run. */
  async commit(): Promise<void> {
    const s = this.state;
    if (s.kind !== 'planned') return;
    const { plan, decisions } = s;
    const c = this.crawler;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, never rendered
    const byPath = new Map(this.inputs.map((f) => [f.path, f]));
    const total = decisions.write.reduce((n, w) => n + w.plan.files.length, 0);
    let done = 0;
    try {
      const entries = [];
      for (const w of decisions.write) {
        const sources = [];
        for (const cf of w.plan.files) {
          this.state = { kind: 'committing', done: done++, total };
          const source = await tableSourceFor(byPath.get(cf.path)!, c.keepCopies);
          // A file without some of the table's columns keeps its own list (read as NULLs).
          const own = cf.columns.map((x) => x.name);
          if (own.join('\u0000') !== w.plan.columns.map((x) => x.name).join('\u0000'))
            source.columns = own;
          sources.push(source);
        }
        entries.push({
          draft: tableDraftFor(w.plan, sources, {
            crawler: c,
            dialect: this.dialects.get(w.plan.files[0]?.path ?? ''),
            current: this.catalog.tables.find(
              (x) => x.database === c.database.trim() && x.name === w.plan.name,
            ),
          }),
          partitions: partitionsFor(w.plan, c.database),
        });
      }
      const gone = {
        delete: decisions.gone.filter((g) => g.action === 'delete').map((g) => g.table),
        deprecate: decisions.gone.filter((g) => g.action === 'deprecate').map((g) => g.table),
      };
      const tables = await this.catalog.commitTables(c.database.trim(), entries, gone);
      this.state = { kind: 'committed', plan, decisions, tables };
      await this.record('SUCCEEDED', plan, decisions);
      // A saved crawler keeps what was dropped as its sources, for the next run.
      if (c.name.trim() && (this.found.length > 0 || this.remote.length > 0))
        await this.save().catch(() => undefined);
    } catch (e) {
      const error = e instanceof DecantError ? e : new DecantError(`crawler: ${String(e)}`);
      this.state = { kind: 'failed', error };
      await this.record('FAILED', plan, null, error.message);
    }
  }

  /** Loads the run history for the page (this crawler's, or every run for an unsaved one). */
  async loadRuns(): Promise<void> {
    const all = await this.catalog.listCrawlerRuns(50).catch(() => []);
    const name = this.crawler.name.trim();
    this.runs = name ? all.filter((r) => r.crawler === name) : all.slice(0, 20);
  }

  private async record(
    state: CrawlerRun['state'],
    plan: CrawlPlan | null,
    d: CrawlDecisions | null,
    error?: string,
  ): Promise<void> {
    const written = d?.write ?? [];
    const run: CrawlerRun = {
      id: `${this.startedAt.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      crawler: this.crawler.name.trim() || UNSAVED,
      state,
      startedAt: this.startedAt,
      endedAt: Date.now(),
      database: this.crawler.database.trim(),
      sources: [
        ...this.crawler.sources.map(sourceLabel),
        ...this.remoteSources.map(sourceLabel),
        // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, never rendered
        ...new Set(this.found.map((f) => f.path.split('/')[0]!)),
      ],
      tablesCreated:
        state === 'SUCCEEDED' ? written.filter((w) => !w.existing).map((w) => w.plan.name) : [],
      tablesUpdated:
        state === 'SUCCEEDED' ? written.filter((w) => w.existing).map((w) => w.plan.name) : [],
      tablesDeprecated: d?.gone.filter((g) => g.action === 'deprecate').map((g) => g.table) ?? [],
      tablesDeleted: d?.gone.filter((g) => g.action === 'delete').map((g) => g.table) ?? [],
      logged: [...(d?.log ?? []), ...this.notes],
      partitions: plan?.tables.reduce((n, t) => n + t.partitions.length, 0) ?? 0,
      filesRead: plan?.tables.reduce((n, t) => n + t.files.length, 0) ?? 0,
      bytesRead: this.inputs.reduce((n, f) => n + f.size, 0),
      skipped: plan?.skipped ?? [],
      error,
    };
    // A run that cannot be recorded must not undo or hide the crawl itself.
    await this.catalog.recordCrawlerRun(run).catch(() => undefined);
    await this.loadRuns();
  }
}
