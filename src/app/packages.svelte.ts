/**
 * The received package the user has open (a zip, a folder, a URL or a share link): its README,
 * tables and previews, and "Add to catalog" with progress and cancel. One package at a time.
 */
import type { CatalogTable } from '../catalog';
import { DecantError } from '../core/errors';
import type { EngineClient } from '../engine/client';
import type { PreviewGrid } from '../engine/preview';
import { digestInWorker } from '../platform/hash-worker';
import { copyToOpfs, removeFromOpfs } from '../platform/opfs';
import {
  addPackage,
  browserFetch,
  databaseNameFor,
  folderPackageSource,
  linkFromFragment,
  linkPackageSource,
  previewPackageTable,
  readPackage,
  tableColumns,
  urlPackageSource,
  zipPackageSource,
  type AddProgress,
  type FolderFile,
  type OpenedPackage,
  type PackageSource,
  type PackageTable,
} from '../share';
import type { CatalogState } from './catalog.svelte';

export type TablePreviewState =
  { kind: 'loading' } | { kind: 'ready'; grid: PreviewGrid } | { kind: 'failed'; message: string };

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class PackagesState {
  /** The package open, or null. */
  opened = $state.raw<OpenedPackage | null>(null);
  /** What is being opened (its label) while it is read. */
  opening = $state('');
  /** Why the last open or add failed, in words. */
  problem = $state('');
  /** With a CORS problem: the bucket CORS rule (S3 console JSON) that lets this page read. */
  corsRule = $state('');
  /** Resource name → its preview. */
  previews = $state.raw<Record<string, TablePreviewState>>({});
  /** The database name "Add to catalog" will create (offered from the package, editable). */
  databaseName = $state('');
  progress = $state.raw<AddProgress | null>(null);
  /** The tables the last add created. */
  added = $state.raw<CatalogTable[]>([]);
  /** The share link fragment opened last, so a route change does not open it twice. */
  private link = '';
  private abort: AbortController | null = null;

  constructor(
    private readonly engine: EngineClient,
    private readonly catalog: CatalogState,
  ) {}

  openZip(file: File): Promise<void> {
    return this.open(file.name, () => zipPackageSource(file, file.name));
  }

  openFolder(files: FolderFile[], name: string): Promise<void> {
    return this.open(name, async () => folderPackageSource(files, name));
  }

  openUrl(url: string): Promise<void> {
    return this.open(url.trim(), async () => urlPackageSource(url));
  }

  /** Opens the package of a `#package=…` link, once per link. */
  openLink(fragment: string): Promise<void> {
    if (fragment === this.link) return Promise.resolve();
    this.link = fragment;
    return this.open('the shared link', async () => linkPackageSource(linkFromFragment(fragment)));
  }

  close(): void {
    this.cancel();
    this.opened = null;
    this.previews = {};
    this.problem = '';
    this.corsRule = '';
    this.added = [];
    this.link = '';
  }

  private async open(label: string, source: () => Promise<PackageSource>): Promise<void> {
    this.close();
    this.opening = label;
    try {
      const pkg = await readPackage(await source(), browserFetch());
      this.opened = pkg;
      this.databaseName = databaseNameFor(
        pkg,
        this.catalog.databases.map((d) => d.name),
      );
      void this.loadPreviews(pkg);
    } catch (e) {
      this.fail(e);
    } finally {
      this.opening = '';
    }
  }

  private async loadPreviews(pkg: OpenedPackage): Promise<void> {
    this.previews = Object.fromEntries(pkg.tables.map((t) => [t.resource, { kind: 'loading' }]));
    for (const t of pkg.tables) {
      const state = await this.previewOf(pkg, t);
      if (this.opened !== pkg) return;
      this.previews = { ...this.previews, [t.resource]: state };
    }
  }

  private async previewOf(pkg: OpenedPackage, t: PackageTable): Promise<TablePreviewState> {
    try {
      // The first rows only: the footer and the pages they sit in, never the whole file.
      return { kind: 'ready', grid: await previewPackageTable(pkg, t, browserFetch()) };
    } catch (e) {
      return { kind: 'failed', message: message(e) };
    }
  }

  /**
   * Checks every file, then adds the tables in one catalog write (see src/share add-package).
   * Sets `problem` when it fails; nothing is added then.
   */
  async addToCatalog(): Promise<void> {
    const pkg = this.opened;
    if (!pkg || this.progress) return;
    const database = this.databaseName.trim();
    this.problem = this.corsRule = '';
    this.added = [];
    const abort = (this.abort = new AbortController());
    const stamp = Date.now().toString(36);
    try {
      if (!database) throw new DecantError('share: give the new database a name');
      const taken = this.catalog.databases.find(
        (d) => d.name.toLowerCase() === database.toLowerCase(),
      );
      if (taken)
        throw new DecantError(
          `share: a database ${JSON.stringify(taken.name)} exists already: choose another name`,
        );
      this.added = await addPackage(
        pkg,
        {
          fetch: browserFetch(),
          digest: digestInWorker,
          columns: (t) => tableColumns(this.engine, pkg, t),
          keep: (file, i) => {
            if (file.kind !== 'blob') throw new Error(`share: ${file.path} is not a local file`);
            const name = file.path.split('/').pop()!;
            return copyToOpfs(
              file.blob instanceof File ? file.blob : new File([file.blob], name),
              `${stamp}-${i}`,
            );
          },
          removeCopy: removeFromOpfs,
          commit: (db, entries) => this.catalog.commitTables(db, entries),
        },
        { database, signal: abort.signal, onProgress: (p) => (this.progress = p) },
      );
    } catch (e) {
      if (e instanceof Error && e.name === 'AbortError')
        this.problem = 'Cancelled: nothing was added to the catalog.';
      else this.fail(e);
    } finally {
      this.progress = null;
      this.abort = null;
      void this.catalog.refreshStorage();
    }
  }

  private fail(e: unknown): void {
    this.problem = message(e);
    const rule = (e as { corsRule?: unknown } | null)?.corsRule;
    this.corsRule = typeof rule === 'string' ? rule : '';
  }

  cancel(): void {
    this.abort?.abort();
  }
}
