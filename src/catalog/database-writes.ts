/**
 * The bodies of database writes, each run inside one transaction by CatalogStore. They throw
 * DecantErrors to abort; they log what they changed.
 */
import { databaseExists, databaseMissing } from './catalog-errors';
import { checkDatabaseClash, checkDatabaseNameFree, foldedName } from './name-rules';
import type { CatalogDatabase } from './model';
import { addRecords, relocatedRecords, takeRecords, type WriteTx } from './table-records';
import type { CatalogTrash } from './trash';
import type { WriteLog } from './write-log';

export async function createDatabase(
  tx: WriteTx,
  log: WriteLog,
  name: string,
  description: string,
): Promise<CatalogDatabase> {
  const store = tx.objectStore('databases');
  if (await store.get(name)) throw databaseExists(name);
  checkDatabaseNameFree(name);
  await checkDatabaseClash(tx, name);
  const now = Date.now();
  const record = { name, description, createdAt: now, updatedAt: now };
  await store.add(record);
  log.putDatabase(name);
  return record;
}

export async function describeDatabase(
  tx: WriteTx,
  log: WriteLog,
  name: string,
  description: string,
): Promise<CatalogDatabase> {
  const store = tx.objectStore('databases');
  const current = await store.get(name);
  if (!current) throw databaseMissing(name);
  const next = { ...current, description, updatedAt: Date.now() };
  await store.put(next);
  log.putDatabase(name);
  return next;
}

export async function renameDatabase(
  tx: WriteTx,
  log: WriteLog,
  from: string,
  to: string,
): Promise<CatalogDatabase> {
  const databases = tx.objectStore('databases');
  const current = await databases.get(from);
  if (!current) throw databaseMissing(from);
  if (from === to) return current;
  if (await databases.get(to)) throw databaseExists(to);
  if (foldedName(from) !== foldedName(to)) checkDatabaseNameFree(to);
  await checkDatabaseClash(tx, to, from);
  const renamed = { ...current, name: to, updatedAt: Date.now() };
  await databases.delete(from);
  await databases.add(renamed);
  const moved = relocatedRecords(await takeRecords(tx, [from]), to);
  await addRecords(tx, moved);
  log.deleteDatabase(from);
  log.putDatabase(to);
  for (const t of moved.tables) log.putTable(t, true);
  return renamed;
}

export async function deleteDatabase(
  tx: WriteTx,
  log: WriteLog,
  name: string,
): Promise<CatalogTrash> {
  const database = await tx.objectStore('databases').get(name);
  if (!database) throw databaseMissing(name);
  await tx.objectStore('databases').delete(name);
  const records = await takeRecords(tx, [name]);
  log.deleteDatabase(name);
  return { kind: 'database', database, deletedAt: Date.now(), ...records };
}
