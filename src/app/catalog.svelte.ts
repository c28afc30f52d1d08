// About 400 lines: the catalog as the UI sees it (the mirror, attachments, storage, trash) with
// one thin method per catalog write. addFromQuickConvert is the one piece of orchestration left
// here; it is the next to move into src/catalog if this file grows.
import { crawlHousekeeping, keptCopyUse, type CopyUse } from '../crawler';
import {
  CatalogStore,
  catalogExport,
  planImport,
  type CatalogChange,
  type CatalogSearchHit,
  type CatalogTrash,
  type ImportPlan,
  type ImportResult,
  type TableDraft,
} from '../catalog';
import type {
  CatalogDatabase,
  CatalogPartition,
  CatalogTable,
  ColumnStatistics,
  CrawlerRun,
  TableSource,
} from '../catalog';
import { SvelteMap } from 'svelte/reactivity';
import { formatBytes } from '../core/format';
import { DecantError } from '../core/errors';
import type { EngineClient } from '../engine/client';
import type { CatalogDb } from '../storage';
import {
  addTableWithCopy,
  grantAccess,
  jsonLayoutOfTable,
  serveTable,
  type Attachment,
  type JsonLayout,
} from '../catalog';
import { copyToOpfs, removeFromOpfs, storageUse, type StorageUse } from '../platform/opfs';
import type { ConvertedParquet, FileEntry } from './quick-convert.svelte';
import { keepParquet, runIdNow } from '../jobs';

/** How a table stands with the engine: queryable, waiting for a click, or broken (and why). */
export type { Attachment };

export interface TrashItem {
  label: string;
  trash: CatalogTrash;
}

const key = (database: string, table: string) => `${database}\u0000${table}`;

/**
 * The catalog as the UI sees it: a mirror of IndexedDB kept fresh after every committed write,
 * here and in other tabs (BroadcastChannel), plus what the engine can query right now.
 */
export class CatalogState {
  ready = $state(false);
  loadError = $state.raw<DecantError | null>(null);
  databases = $state.raw<CatalogDatabase[]>([]);
  /** Every table's name, available before `tables` (no columns read), for navigation. */
  tableKeys = $state.raw<{ database: string; name: string }[]>([]);
  tables = $state.raw<CatalogTable[]>([]);
  /** True once `tables` (with columns) has been read at least once. */
  tablesLoaded = $state(false);
  readonly attachments = new SvelteMap<string, Attachment>();
  /** Deleted this session; each can be put back. */
  trash = $state.raw<TrashItem[]>([]);
  storage = $state.raw<StorageUse | null>(null);
  /** Bumped when start-up rewrote crawler run records (interrupted runs): views read them again. */
  crawlRunsChanged = $state(0);
  /** Kept copies in the browser's storage, by table or crawler, and orphans. */
  copyUse = $state.raw<CopyUse | null>(null);
  private housekept = false;
  private store: CatalogStore | null = null;
  private channel: BroadcastChannel | null = null;
  private engine: EngineClient;
  private db: Promise<CatalogDb>;

  /** Settles when `open()` has: resolved once the mirror is loaded, rejected with loadError. */
  readonly opened: Promise<void>;
  #settleOpen!: (error?: DecantError) => void;

  /** `db` is the page's one connection (src/app/boot.ts). */
  constructor(engine: EngineClient, db: Promise<CatalogDb>) {
    this.engine = engine;
    this.db = db;
    this.opened = new Promise<void>((resolve, reject) => {
      this.#settleOpen = (error) => (error ? reject(error) : resolve());
    });
    // A page that never waits on it must not report an unhandled rejection.
    this.opened.catch(() => undefined);
  }

  async open(): Promise<void> {
    try {
      const db = await this.db;
      this.channel = new BroadcastChannel('decant-catalog');
      this.store = new CatalogStore(db, (change) => {
        this.channel?.postMessage(change);
        void this.refresh(change);
      });
      this.channel.onmessage = (e: MessageEvent<CatalogChange>) => {
        this.store?.noteChangeElsewhere(e.data);
        void this.refresh(e.data);
      };
      await this.refresh();
      this.ready = true;
      this.#settleOpen();
      void this.refreshStorage();
    } catch (e) {
      this.loadError =
        e instanceof DecantError
          ? e
          : new DecantError(`catalog: cannot open the catalog: ${String(e)}`);
      this.#settleOpen(this.loadError);
    }
  }

  private need(): CatalogStore {
    if (!this.store) throw new DecantError('catalog: not open yet');
    return this.store;
  }

  /**
   * Reloads the mirror after changes. A burst of changes (an import of 1,000 tables) costs one
   * reload, not one each: changes queue while a reload runs and are handled together after it.
   */
  private refresh(change?: CatalogChange): Promise<void> {
    if (change) this.queued.push(change);
    this.reloading ??= this.reload().finally(() => (this.reloading = null));
    return this.reloading;
  }

  private queued: CatalogChange[] = [];
  private reloading: Promise<void> | null = null;

  private async reload(): Promise<void> {
    const s = this.need();
    do {
      const changes = this.queued.splice(0);
      // Names first: the navigation draws from them while 50,000 columns are still being read.
      const [databases, keys] = await Promise.all([s.listDatabases(), s.listTableKeys()]);
      this.databases = databases;
      this.tableKeys = keys;
      if (!this.ready) this.ready = true;
      const tables = await s.listAllTables();
      this.tables = tables;
      this.tablesLoaded = true;
      for (const change of changes) this.followChange(change, tables);
    } while (this.queued.length > 0);
  }

  /** Keeps the engine's views in step: tables in use are re-attached, deleted ones dropped. */
  private followChange(change: CatalogChange, tables: CatalogTable[]): void {
    if (change.kind === 'table') {
      const k = key(change.database, change.table);
      const t = tables.find((x) => x.database === change.database && x.name === change.table);
      if (!t) {
        this.setAttachment(k, null);
        void this.engine.detachTable(change.database, change.table).catch(() => undefined);
      } else if (this.attachments.has(k)) void this.attach(t);
    } else if (change.op === 'delete') {
      // Its tables are gone from the mirror; their views would answer with stale files.
      for (const [k] of this.attachments)
        if (k.startsWith(change.database + '\u0000')) this.setAttachment(k, null);
    }
  }

  async refreshStorage(): Promise<void> {
    const store = this.store;
    if (store && !this.housekept) {
      // Once, before the first count: runs a closed tab left RUNNING, copies nobody uses.
      this.housekept = true;
      const kept = await crawlHousekeeping(store.db, store).catch(() => null);
      if (kept && kept.interrupted > 0) this.crawlRunsChanged++;
    }
    this.storage = await storageUse().catch(() => null);
    this.copyUse = store ? await keptCopyUse(store.db).catch(() => null) : null;
  }

  table(database: string, name: string): CatalogTable | undefined {
    return this.tables.find((t) => t.database === database && t.name === name);
  }

  attachment(t: CatalogTable): Attachment | undefined {
    return this.attachments.get(key(t.database, t.name));
  }

  private setAttachment(k: string, a: Attachment | null) {
    if (a) this.attachments.set(k, a);
    else this.attachments.delete(k);
  }

  /** Makes `database.table` queryable in the engine; records why not, when it cannot be. */
  /**
   * Serves the table in the engine. Concurrent calls for the same table version share one
   * attach, so the Query area can wait for every table before it runs a statement.
   */
  attach(t: CatalogTable): Promise<Attachment> {
    const k = `${key(t.database, t.name)}\u0000${t.version}`;
    let p = this.attaching.get(k);
    if (!p) {
      p = this.attachNow(t).finally(() => this.attaching.delete(k));
      this.attaching.set(k, p);
    }
    return p;
  }

  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- in-flight work, never rendered
  private readonly attaching = new Map<string, Promise<Attachment>>();

  private async attachNow(t: CatalogTable): Promise<Attachment> {
    const a = await serveTable(
      { engine: this.engine, listPartitions: (d, n) => this.need().listPartitions(d, n) },
      t,
    );
    this.setAttachment(key(t.database, t.name), a);
    return a;
  }

  /** Attaches every table that is not yet; used when the Query area opens. */
  async attachAll(): Promise<void> {
    await Promise.all(
      this.tables.filter((t) => this.attachment(t)?.kind !== 'attached').map((t) => this.attach(t)),
    );
  }

  /** The "Reconnect" click: asks the browser for read access again, then attaches. */
  async reconnect(t: CatalogTable): Promise<Attachment> {
    await grantAccess(t);
    return this.attach(t);
  }

  // Writes. Each is one transaction in the store; the mirror refreshes through onChange.

  createDatabase(name: string, description = '') {
    return this.need().createDatabase(name, description);
  }
  renameDatabase(from: string, to: string) {
    return this.need().renameDatabase(from, to);
  }
  describeDatabase(name: string, description: string) {
    return this.need().describeDatabase(name, description);
  }
  async deleteDatabase(name: string): Promise<void> {
    const trash = await this.need().deleteDatabase(name);
    this.trash = [...this.trash, { label: `database ${name}`, trash }];
  }
  async deleteTable(database: string, name: string): Promise<void> {
    const trash = await this.need().deleteTable(database, name);
    this.trash = [...this.trash, { label: `table ${database}.${name}`, trash }];
  }
  async undo(item: TrashItem): Promise<void> {
    await this.need().restore(item.trash);
    this.trash = this.trash.filter((x) => x !== item);
    await this.refresh();
    for (const t of this.tables) if (!this.attachment(t)) void this.attach(t);
  }
  renameTable(database: string, from: string, to: string) {
    return this.need().renameTable(database, from, to);
  }
  putTable(next: CatalogTable, reason?: string) {
    return this.need().putTable(next, reason);
  }
  updateColumn(
    database: string,
    table: string,
    column: string,
    patch: { name?: string; type?: string; comment?: string },
  ) {
    return this.need().updateColumn(database, table, column, patch);
  }
  listVersions(database: string, table: string) {
    return this.need().listVersions(database, table);
  }
  restoreVersion(database: string, table: string, version: number) {
    return this.need().restoreVersion(database, table, version);
  }
  listPartitions(database: string, table: string) {
    return this.need().listPartitions(database, table);
  }
  getStatistics(database: string, table: string, version: number) {
    return this.need().getStatistics(database, table, version);
  }
  search(query: string): Promise<CatalogSearchHit[]> {
    return this.need().search(query);
  }

  /** Computes Glue's column statistics in the engine and stores them with this table version. */
  async computeStatistics(t: CatalogTable) {
    if (this.attachment(t)?.kind !== 'attached' && (await this.attach(t)).kind !== 'attached')
      throw new DecantError(`catalog: ${t.database}.${t.name} cannot be read now`);
    const { rowCount, columns } = await this.engine.columnStatistics(t.database, t.name);
    return this.need().putStatistics({
      database: t.database,
      table: t.name,
      version: t.version,
      computedAt: Date.now(),
      rowCount,
      columns,
    });
  }

  /** Stores column statistics computed elsewhere (a profile of all rows) with this table version. */
  saveStatistics(t: CatalogTable, stats: { rowCount: number; columns: ColumnStatistics[] }) {
    return this.need().putStatistics({
      database: t.database,
      table: t.name,
      version: t.version,
      computedAt: Date.now(),
      ...stats,
    });
  }

  /** How a JSON table's first file lays out its records (see src/catalog json-layout.ts). */
  jsonLayout(t: CatalogTable): Promise<JsonLayout | undefined> {
    return jsonLayoutOfTable(t);
  }

  /** How many values of a column would not survive a change to `type`. */
  async castFailures(t: CatalogTable, column: string, type: string) {
    if (this.attachment(t)?.kind !== 'attached' && (await this.attach(t)).kind !== 'attached')
      throw new DecantError(`catalog: ${t.database}.${t.name} cannot be read now`);
    return this.engine.castFailures(t.database, t.name, column, type);
  }

  /**
   * Registers a Quick-convert file's Parquet output as a catalog table (classification
   * parquet). The names are checked first (a refused name costs no conversion), then `convert`
   * gives the Parquet (converting first when it was not yet), kept as a copy in this browser's
   * storage (OPFS) or written into `folder`. A failed add stores nothing: the database (if new)
   * and the table are committed in one transaction, and the file is removed if that fails.
   */
  async addFromQuickConvert(
    entry: FileEntry,
    target: { database: string; table: string; folder?: FileSystemDirectoryHandle },
    convert: () => Promise<ConvertedParquet>,
  ): Promise<CatalogTable> {
    if (!entry.inspection)
      throw new DecantError(`catalog: "${entry.file.name}" has not been read yet`);
    const s = this.need();
    const draftWith = (out: ConvertedParquet | null, source: TableSource): TableDraft => ({
      database: target.database,
      name: target.table,
      description: '',
      classification: 'parquet',
      sources: [source],
      columns: entry.columns.map((c) => ({ name: c.name, type: c.type, comment: '' })),
      partitionKeys: [],
      parameters: {
        recordCount: out?.rows,
        sizeBytes: out?.blob.size ?? 0,
        objectCount: 1,
        compression: out?.codec === 'none' ? undefined : out?.codec,
      },
      updatedBy: { kind: 'user' },
    });
    const placeholder = { path: '', size: 0, lastModified: 0 };
    await s.checkNewTable(draftWith(null, { kind: 'opfs', opfsPath: '', ...placeholder }));
    const out = await convert();
    const f = new File([out.blob], out.name, { type: 'application/vnd.apache.parquet' });
    const kept = { path: out.name, size: f.size, lastModified: f.lastModified };
    try {
      if (target.folder) {
        const folder = target.folder;
        const id = runIdNow();
        const done = await keepParquet(
          { kind: 'folder', folder },
          '',
          [{ path: out.name, blob: out.blob }],
          id,
          new AbortController().signal,
          async ([p]) => {
            const file = await p!.handle!.getFile();
            return s.createTable(
              draftWith(out, {
                kind: 'file-handle',
                handle: p!.handle!,
                path: p!.path,
                size: file.size,
                lastModified: file.lastModified,
              }),
              { createDatabase: true },
            );
          },
        );
        return done.table!;
      }
      const copy = () =>
        copyToOpfs(f, `${Date.now().toString(36)}`).catch((e: unknown) => {
          const cause = e instanceof Error && e.cause instanceof DOMException ? e.cause : e;
          const full = cause instanceof DOMException && cause.name === 'QuotaExceededError';
          throw new DecantError(
            full
              ? `catalog: the browser's storage is full: no room for "${out.name}" (${formatBytes(f.size)}); nothing was added`
              : `catalog: ${e instanceof Error ? e.message : String(e)}; nothing was added`,
            { cause: e },
          );
        });
      return await addTableWithCopy(
        s,
        (opfsPath) => draftWith(out, { kind: 'opfs', opfsPath, ...kept }),
        { write: copy, remove: removeFromOpfs },
      );
    } finally {
      void this.refreshStorage();
    }
  }

  /** A crawler's commit: tables and their partitions in one transaction (see CatalogStore). */
  commitTables(
    database: string,
    entries: {
      draft: TableDraft;
      partitions: CatalogPartition[];
      reason?: string;
      fromVersion?: number;
    }[],
    gone?: { delete?: string[]; deprecate?: string[] },
  ): Promise<CatalogTable[]> {
    return this.need().commitTables(database, entries, gone);
  }

  recordCrawlerRun(run: CrawlerRun): Promise<void> {
    return this.need().recordCrawlerRun(run);
  }

  listCrawlerRuns(limit?: number): Promise<CrawlerRun[]> {
    return this.need().listCrawlerRuns(limit);
  }

  /** Saved crawlers and custom classifiers live in the catalog's database (see CatalogStore). */
  get records(): CatalogStore {
    return this.need();
  }

  /** The whole catalog (or the given tables) as Glue-compatible JSON. */
  exportJson(tables: CatalogTable[] = this.tables): string {
    const dbs = this.databases.filter((d) => tables.some((t) => t.database === d.name));
    return JSON.stringify(catalogExport(dbs, tables), null, 2);
  }

  /** `renames`: document database name → the name to import it as (see ImportPlan.needsRename). */
  planImport(doc: unknown, renames: Record<string, string> = {}): ImportPlan {
    return planImport(doc, { databases: this.databases, tables: this.tables }, Date.now(), renames);
  }

  applyImport(plan: ImportPlan, overwrite: string[]): Promise<ImportResult> {
    return this.need().applyImport(plan, { overwrite });
  }
}
