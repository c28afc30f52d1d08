/**
 * The search index of one store, kept current: built lazily on the first search, then updated
 * in place by this store's writes and by changes other tabs report.
 */
import type { CatalogTable } from './model';
import { CatalogIndex } from './search-index';
import type { CatalogChange } from './write-log';

export interface IndexSource {
  listDatabaseNames(): Promise<string[]>;
  listAllTables(): Promise<CatalogTable[]>;
  getTable(database: string, name: string): Promise<CatalogTable | undefined>;
}

export class LiveCatalogIndex {
  // Updates chain onto this promise, so they apply in commit order even during a build.
  #index?: Promise<CatalogIndex>;

  constructor(private readonly source: IndexSource) {}

  /** The index, building it on first use (a failed build is retried on the next call). */
  get(): Promise<CatalogIndex> {
    this.#index ??= (async () => {
      const [databases, tables] = await Promise.all([
        this.source.listDatabaseNames(),
        this.source.listAllTables(),
      ]);
      return CatalogIndex.fromCatalog(databases, tables);
    })().catch((err: unknown) => {
      this.#index = undefined;
      throw err;
    });
    return this.#index;
  }

  /** Applies committed updates; skipped while the index is unbuilt (the build will see them). */
  apply(updates: readonly ((index: CatalogIndex) => void)[]): void {
    if (!this.#index || updates.length === 0) return;
    this.#index = this.#index.then((index) => {
      for (const update of updates) update(index);
      return index;
    });
  }

  /** Re-reads what another tab changed: the one table, or (for a database) everything, lazily. */
  noteChangeElsewhere(change: CatalogChange): void {
    if (!this.#index) return;
    if (change.kind === 'database') {
      this.#index = undefined;
      return;
    }
    const { database, table } = change;
    this.#index = this.#index.then(async (index) => {
      const t = await this.source.getTable(database, table);
      if (t) index.putTable(t);
      else index.removeTable(database, table);
      return index;
    });
  }
}
