/**
 * What a delete removed, held in memory so the user can undo it during the session. Restoring
 * puts every record back in one transaction, or nothing if the name was taken meanwhile.
 */
import { quotedName } from '../core/quoted-name';
import { catalogError, tableLabel } from './catalog-errors';
import type { CatalogDatabase } from './model';
import { addRecords, type TableRecords, type WriteTx } from './table-records';
import { checkDatabaseClash, checkTableClash } from './name-rules';
import type { WriteLog } from './write-log';

/** The undo token of `deleteDatabase` / `deleteTable`: everything they deleted. */
export type CatalogTrash =
  | ({ kind: 'database'; database: CatalogDatabase; deletedAt: number } & TableRecords)
  | ({ kind: 'table'; database: string; table: string; deletedAt: number } & TableRecords);

/** Puts `trash` back. Throws (so the transaction aborts) if its names are taken now. */
export async function restoreTrash(tx: WriteTx, trash: CatalogTrash, log: WriteLog): Promise<void> {
  const databases = tx.objectStore('databases');
  if (trash.kind === 'database') {
    const name = trash.database.name;
    if (await databases.get(name))
      throw catalogError(
        `cannot restore database ${quotedName(name)}: a database of that name was created since; rename or delete it first`,
      );
    await checkDatabaseClash(tx, name);
    await databases.add(trash.database);
    await addRecords(tx, trash);
    log.putDatabase(name);
    for (const t of trash.tables) log.putTable(t, true);
    return;
  }
  const label = tableLabel(trash.database, trash.table);
  if (!(await databases.get(trash.database)))
    throw catalogError(
      `cannot restore table ${label}: database ${quotedName(trash.database)} no longer exists; restore or create it first`,
    );
  if (await tx.objectStore('tables').get([trash.database, trash.table]))
    throw catalogError(
      `cannot restore table ${label}: a table of that name was created since; rename or delete it first`,
    );
  await checkTableClash(tx, trash.database, trash.table);
  await addRecords(tx, trash);
  for (const t of trash.tables) log.putTable(t);
}
