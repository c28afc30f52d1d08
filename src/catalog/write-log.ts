/**
 * What a write transaction did, recorded as it goes and acted on only after it commits: the
 * change events other parts of the app (and other tabs) hear, and the search-index updates.
 */
import type { CatalogTable } from './model';
import type { CatalogIndex } from './search-index';

/**
 * One committed change. A `database` event means the database and possibly any of its tables
 * changed (a rename, delete, restore or import): listeners reload that database. A `table`
 * event covers the table and its versions, partitions and statistics.
 */
export type CatalogChange =
  | { kind: 'database'; database: string; op: 'put' | 'delete' }
  | { kind: 'table'; database: string; table: string; op: 'put' | 'delete' };

export class WriteLog {
  readonly changes: CatalogChange[] = [];
  readonly indexUpdates: ((index: CatalogIndex) => void)[] = [];
  readonly #seen = new Set<string>();

  putDatabase(database: string): void {
    this.#change({ kind: 'database', database, op: 'put' });
    this.indexUpdates.push((ix) => ix.putDatabase(database));
  }

  deleteDatabase(database: string): void {
    this.#change({ kind: 'database', database, op: 'delete' });
    this.indexUpdates.push((ix) => ix.removeDatabase(database));
  }

  /** `quiet`: index only, no event (a database event already covers it). */
  putTable(t: CatalogTable, quiet = false): void {
    if (!quiet) this.#change({ kind: 'table', database: t.database, table: t.name, op: 'put' });
    this.indexUpdates.push((ix) => ix.putTable(t));
  }

  deleteTable(database: string, table: string): void {
    this.#change({ kind: 'table', database, table, op: 'delete' });
    this.indexUpdates.push((ix) => ix.removeTable(database, table));
  }

  /** The table's partitions or statistics changed; its names did not. */
  touchTable(database: string, table: string): void {
    this.#change({ kind: 'table', database, table, op: 'put' });
  }

  #change(change: CatalogChange): void {
    const key = JSON.stringify(change);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.changes.push(change);
  }
}
