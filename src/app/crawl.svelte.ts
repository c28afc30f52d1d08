import { DecantError } from '../core/errors';
import type { CatalogTable, Crawler, CrawlerRun, CrawlerSource } from '../catalog';
import {
  browserCrawlPorts,
  commitCrawl,
  crawlerRunRecord,
  crawlFailure,
  holdCrawlLock,
  localInput,
  newCrawler,
  planCrawl,
  S3_LOCKED,
  SignedS3Prefix,
  requestAccess,
  runsToShow,
  SavedCrawlers,
  sourceLabel,
  takenNameError,
  type CrawlInput,
  type RemoteInput,
  type CrawlDecisions,
  type CrawlEngine,
  type CrawlPlan,
  type CrawlPorts,
  type CrawlStep,
  type PlannedCrawl,
  type RunIdentity,
} from '../crawler';
import type { CatalogState } from './catalog.svelte';
import type { CredentialsState } from './credentials.svelte';
import { s3CredentialsOf, s3PrefixSourceFrom, type S3PrefixForm } from './s3-crawl';
import type { FoundFile } from '../platform/folder-files';

export { newCrawler, UNSAVED } from '../crawler';
export type { S3PrefixForm } from './s3-crawl';

type S3PrefixSource = Extract<CrawlerSource, { kind: 's3-prefix' }>;

/** An S3 prefix listed with the tab's credentials, read by the next run, kept by a save. */
export interface S3Listed {
  source: S3PrefixSource;
  inputs: RemoteInput[];
  pages: number;
  listedAt: number;
}

/** Listed object URLs last OBJECT_URL_SECONDS: a run later than this lists the prefix again. */
const RELIST_AFTER_MS = 5 * 60_000;

export type CrawlState =
  | { kind: 'idle' }
  | { kind: 'listing' }
  | { kind: 'classifying'; done: number; total: number; bytes: number }
  | {
      kind: 'planned';
      plan: CrawlPlan;
      decisions: CrawlDecisions;
      database: string;
      ms: number;
      bytes: number;
    }
  | { kind: 'committing'; done: number; total: number }
  | {
      kind: 'committed';
      plan: CrawlPlan;
      decisions: CrawlDecisions;
      database: string;
      tables: CatalogTable[];
    }
  | { kind: 'failed'; error: DecantError };

/**
 * A crawler being edited and run: list its sources (and whatever was just dropped), classify every
 * file in the engine worker, group the files into tables with partitions (src/crawler), apply
 * the crawler's policies against the catalog, show the plan, and on the user's word commit it in
 * one transaction. Nothing reaches the catalog before that.
 */
export class CrawlSession {
  state = $state.raw<CrawlState>({ kind: 'idle' });
  /** The crawler in the form: a new crawl, or the saved crawler being edited. */
  crawler = $state<Crawler>(newCrawler());
  /**
   * The saved crawler the form edits (chosen with its Edit action, or just saved), or null for a
   * new crawl: a new crawl reads only what is dropped now and never adds to a saved crawler.
   */
  editing = $state<string | null>(null);
  /** Saved crawlers, by name. */
  saved = $state.raw<Crawler[]>([]);
  /** Dropped or picked this session, not yet made into the crawler's sources. */
  found = $state.raw<FoundFile[]>([]);
  /** Remote files found from pasted URLs, not yet saved as sources. */
  remote = $state.raw<CrawlInput[]>([]);
  /** The pasted listings and URLs those came from, as a saved crawler keeps them. */
  private remoteSources: CrawlerSource[] = [];
  /** An S3 prefix listed with the tab's credentials, not yet saved as a source. */
  s3 = $state.raw<S3Listed | null>(null);
  /** Why the last S3 listing failed, in words (never a secret). */
  s3Error = $state.raw<DecantError | null>(null);
  s3Busy = $state(false);
  /** What the crawl corrected or assumed on the way. */
  notes = $state.raw<string[]>([]);
  /** Earlier runs, newest first. */
  runs = $state.raw<CrawlerRun[]>([]);
  /** The plan shown, with what its commit needs. */
  private planned: PlannedCrawl | null = null;
  private run_: RunIdentity | null = null;
  private abort: AbortController | null = null;
  private readonly ports: CrawlPorts;
  private readonly catalog: CatalogState;
  private readonly crawlers: SavedCrawlers;
  private readonly credentials: CredentialsState | null;

  constructor(engine: CrawlEngine, catalog: CatalogState, credentials?: CredentialsState) {
    this.catalog = catalog;
    this.credentials = credentials ?? null;
    this.ports = browserCrawlPorts(
      engine,
      () => catalog.records,
      () => s3CredentialsOf(this.credentials?.access ?? null),
    );
    this.crawlers = new SavedCrawlers({
      listCrawlers: () => catalog.records.listCrawlers(),
      putCrawler: (c) => catalog.records.putCrawler(c),
      deleteCrawler: (name) => catalog.records.deleteCrawler(name),
    });
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

  /** Whether the crawl reads an S3 prefix and the tab holds no credentials to sign with. */
  get locked(): boolean {
    const s3 = this.s3 !== null || this.crawler.sources.some((x) => x.kind === 's3-prefix');
    return s3 && !this.credentials?.access;
  }

  /**
   * Lists the S3 prefix `form` names with the tab's credentials (signed ListObjectsV2, every
   * page; one object read to prove GetObject): the next run reads it, a save keeps it (without
   * any secret). False, and `s3Error` in words, when it cannot be listed.
   */
  async listS3(form: S3PrefixForm): Promise<boolean> {
    this.s3Busy = true;
    this.s3Error = null;
    try {
      const source = s3PrefixSourceFrom(form);
      this.s3 = { ...(await this.listPrefix(source)), source };
      this.state = { kind: 'idle' };
      return true;
    } catch (e) {
      this.s3 = null;
      this.s3Error = crawlFailure(e).error;
      return false;
    } finally {
      this.s3Busy = false;
    }
  }

  private async listPrefix(source: S3PrefixSource, signal?: AbortSignal) {
    const credentials = s3CredentialsOf(this.credentials?.access ?? null);
    if (!credentials) throw new DecantError(`crawler: ${S3_LOCKED}`, { domain: 'crawler' });
    const { bucket, prefix, region, endpoint } = source;
    const listed = await new SignedS3Prefix(credentials, {
      bucket,
      prefix,
      region,
      ...(endpoint ? { endpoint } : {}),
    }).inputs({ exclusions: this.crawler.exclusions, ...(signal ? { signal } : {}) });
    return { ...listed, listedAt: Date.now() };
  }

  clearS3(): void {
    this.s3 = null;
    this.s3Error = null;
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
    this.saved = await this.crawlers.list().catch(() => []);
  }

  edit(c: Crawler | null): void {
    this.editing = c?.name ?? null;
    this.crawler = c ? structuredClone($state.snapshot(c) as Crawler) : newCrawler();
    // Handles do not survive structuredClone of a $state snapshot in every browser: keep them.
    if (c) this.crawler.sources = [...c.sources];
    this.found = [];
    this.setRemote([], []);
    this.clearS3();
    this.notes = [];
    this.state = { kind: 'idle' };
    void this.loadRuns();
  }

  /** Saves the crawler; what was dropped becomes its sources (handles kept, or OPFS copies). */
  async save(): Promise<Crawler> {
    const c = this.crawler;
    // Plain records for IndexedDB: a $state proxy cannot be stored (handles are cloned as is).
    const crawler = $state.snapshot(c) as Crawler;
    crawler.sources = $state.snapshot(c.sources) as CrawlerSource[];
    const remote = this.s3 ? [...this.remoteSources, this.s3.source] : this.remoteSources;
    const saved = await this.crawlers.save(
      { crawler, found: this.found, remote },
      this.editing,
      this.saved,
    );
    this.crawler.sources = saved.sources;
    this.crawler.name = saved.name;
    this.crawler.createdAt = saved.createdAt;
    this.editing = saved.name;
    // Not setRemote: a save right after a commit must leave the written result on screen.
    this.found = [];
    this.remote = [];
    this.remoteSources = [];
    this.s3 = null;
    await this.loadSaved();
    return saved;
  }

  async remove(name: string): Promise<void> {
    await this.crawlers.remove(name);
    if (this.editing === name) this.edit(null);
    await this.loadSaved();
  }

  /** After a new crawl is written, the form starts clean; its result stays shown. */
  private startClean(): void {
    this.editing = null;
    this.crawler = newCrawler();
    this.found = [];
    this.remote = [];
    this.remoteSources = [];
    this.s3 = null;
  }

  removeSource(index: number): void {
    this.crawler.sources = this.crawler.sources.filter((_, i) => i !== index);
  }

  // Runs

  /** Progress comes over its own channel and may land after the result: never go back. */
  private step = (p: CrawlStep): void => {
    const now = this.state.kind;
    if (p.kind === 'listing') this.state = p;
    else if (p.kind === 'classifying' && (now === 'listing' || now === 'classifying'))
      this.state = p;
    else if (p.kind === 'committing' && (now === 'planned' || now === 'committing')) this.state = p;
  };

  /** What this session adds to the crawler's saved sources: drops and pasted URLs. */
  private extras() {
    return {
      inputs: [
        ...this.found.map(localInput),
        ...this.remote,
        ...(this.s3?.inputs ?? []),
      ] as CrawlInput[],
      labels: [
        ...this.remoteSources.map(sourceLabel),
        ...(this.s3 ? [sourceLabel(this.s3.source)] : []),
        // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, never rendered
        ...new Set(this.found.map((f) => f.path.split('/')[0]!)),
      ],
    };
  }

  /** Lists, classifies and plans; the catalog is not touched. */
  async run(): Promise<void> {
    const c = $state.snapshot(this.crawler) as Crawler;
    c.sources = [...this.crawler.sources];
    // First, inside the click: handles that lost permission with the last session ask again.
    await requestAccess(c.sources);
    const taken = takenNameError(this.crawler.name, this.editing, this.saved);
    if (taken) {
      this.state = { kind: 'failed', error: taken };
      return;
    }
    if (this.locked) {
      this.state = {
        kind: 'failed',
        error: new DecantError(`crawler: ${S3_LOCKED}`, { domain: 'crawler' }),
      };
      return;
    }
    this.run_ = { runId: newRunId(), startedAt: Date.now() };
    this.abort = new AbortController();
    this.notes = [];
    this.planned = null;
    try {
      // The listed objects' URLs are short-lived: an older listing is made again.
      const s3 = this.s3;
      if (s3 && Date.now() - s3.listedAt > RELIST_AFTER_MS)
        this.s3 = { ...(await this.listPrefix(s3.source, this.abort.signal)), source: s3.source };
    } catch (e) {
      this.state = { kind: 'failed', error: crawlFailure(e).error };
      this.abort = null;
      return;
    }
    const extras = this.extras();
    try {
      const planned = await planCrawl(this.ports, c, extras, this.abort.signal, this.step);
      this.planned = planned;
      this.notes = planned.notes;
      const { plan, decisions } = planned;
      this.state = {
        kind: 'planned',
        plan,
        decisions,
        database: c.database.trim(),
        ms: planned.ms,
        bytes: planned.bytesRead,
      };
    } catch (e) {
      const { error, state } = crawlFailure(e);
      this.state = { kind: 'failed', error };
      await this.record(crawlerRunRecord(this.run_, c, extras.labels, state, null, error.message));
    } finally {
      this.abort = null;
    }
  }

  /**
   * Writes what the policies allow, all or nothing, and records the run: RUNNING before the first
   * copy is made (a tab closed now leaves a record the next start-up fails as interrupted).
   */
  async commit(): Promise<void> {
    const s = this.state;
    const planned = this.planned;
    if (s.kind !== 'planned' || !planned || !this.run_) return;
    const c = $state.snapshot(this.crawler) as Crawler;
    c.sources = [...this.crawler.sources];
    const id = this.run_;
    const { labels } = this.extras();
    this.abort = new AbortController();
    await this.record(crawlerRunRecord(id, c, labels, 'RUNNING', planned));
    try {
      const signal = this.abort.signal;
      const tables = await holdCrawlLock(id.runId, () =>
        commitCrawl(this.ports, c, planned, signal, this.step),
      );
      const { plan, decisions, database } = s;
      await this.record(crawlerRunRecord(id, c, labels, 'SUCCEEDED', planned));
      const wasNew = this.editing === null;
      // A named crawler keeps what was dropped as its sources, for the next run.
      if (c.name.trim() && (this.found.length > 0 || this.remote.length > 0 || this.s3))
        await this.save().catch(() => undefined);
      // A new crawl is done: the next folder chosen is a new crawl too, not an addition to it.
      if (wasNew) this.startClean();
      // Shown last, so the form is already what the next crawl starts from.
      this.state = { kind: 'committed', plan, decisions, database, tables };
      void this.catalog.refreshStorage();
    } catch (e) {
      const { error, state } = crawlFailure(e);
      this.state = { kind: 'failed', error };
      await this.record(crawlerRunRecord(id, c, labels, state, planned, error.message));
    } finally {
      this.abort = null;
    }
  }

  /** Loads the run history for the page (this crawler's, or every run for an unsaved one). */
  async loadRuns(): Promise<void> {
    const all = await this.catalog.listCrawlerRuns(50).catch(() => []);
    this.runs = runsToShow(all, this.crawler.name);
  }

  private async record(run: CrawlerRun): Promise<void> {
    // A run that cannot be recorded must not undo or hide the crawl itself.
    await this.catalog.recordCrawlerRun(run).catch(() => undefined);
    await this.loadRuns();
  }
}

/** A crawler run's id: time first, so ids sort by start. */
export function newRunId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
