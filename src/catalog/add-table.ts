/**
 * Adding one table whose file is kept as a copy in this browser: nothing is stored unless all
 * is. The names are checked before the copy is written (a refused name costs no bytes), the
 * database (if new) and the table commit in one transaction, and the copy is removed if that
 * commit fails (a name taken meanwhile by another tab, a full quota).
 */
import type { CatalogStore } from './catalog-store';
import type { CatalogTable } from './model';
import type { TableDraft } from './table-writes';

/** Where copies are kept (OPFS in the browser): write one, or remove one by the name it got. */
export interface CopyKeeper {
  /** Writes the copy; resolves to its name. Writes nothing when it throws. */
  write(): Promise<string>;
  remove(name: string): Promise<void>;
}

/**
 * Creates the table `draftFor(copyName)` describes, creating its database if missing. Throws the
 * store's or the keeper's error; after a throw nothing is stored, neither record nor copy.
 */
export async function addTableWithCopy(
  store: CatalogStore,
  draftFor: (copyName: string) => TableDraft,
  copies: CopyKeeper,
): Promise<CatalogTable> {
  await store.checkNewTable(draftFor(''));
  const name = await copies.write();
  try {
    return await store.createTable(draftFor(name), { createDatabase: true });
  } catch (e) {
    await copies.remove(name);
    throw e;
  }
}
