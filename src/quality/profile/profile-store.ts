/** Table profiles in the catalog's IndexedDB (schema v6), per table and version stamp. */
import type { CatalogDb } from '../../storage/schema';
import type { TableProfile } from './model';
import '../stored-records';

/** Profiles kept per table: older ones are removed as new ones are added. */
export const PROFILES_KEPT = 5;

export class ProfileStore {
  constructor(readonly db: CatalogDb) {}

  /** The newest profile of the table, of whatever version; undefined when it has none. */
  async latest(database: string, table: string): Promise<TableProfile | undefined> {
    const all = await this.db.getAllFromIndex('tableProfiles', 'by-table', [database, table]);
    return all.sort((a, b) => b.computedAt - a.computedAt)[0];
  }

  /** Stores a profile (replacing one of the same stamp), keeping the newest PROFILES_KEPT. */
  async save(p: TableProfile): Promise<void> {
    const tx = this.db.transaction('tableProfiles', 'readwrite');
    await tx.store.put(p);
    const all = await tx.store.index('by-table').getAll([p.database, p.table]);
    all.sort((a, b) => b.computedAt - a.computedAt);
    for (const old of all.slice(PROFILES_KEPT))
      await tx.store.delete([old.database, old.table, old.stamp]);
    await tx.done;
  }

  /** Removes every profile of the table (when it is deleted or renamed). */
  async removeAll(database: string, table: string): Promise<void> {
    const tx = this.db.transaction('tableProfiles', 'readwrite');
    for (const key of await tx.store.index('by-table').getAllKeys([database, table]))
      await tx.store.delete(key);
    await tx.done;
  }
}
