/**
 * The bodies of table writes (tables, versions, partitions, statistics), each run inside one
 * transaction by CatalogStore. They throw DecantErrors to abort; they log what they changed.
 */
import { describeChanges, diffSchemas } from './schema-diff';
import {
  catalogError,
  databaseMissing,
  tableExists,
  tableLabel,
  tableMissing,
} from './catalog-errors';
import type { CatalogPartition, CatalogTable, TableStatistics } from './model';
import { schemaChangeReason } from './table-edits';
import {
  addRecords,
  allRequests,
  keysStartingWith,
  relocatedRecords,
  takeRecords,
  versionOf,
  type WriteTx,
} from './table-records';
import type { CatalogTrash } from './trash';
import { checkTableClash } from './name-rules';
import { checkPartitions } from './validate';
import type { WriteLog } from './write-log';

/** A table as a caller creates it; the store numbers and dates it. */
export type TableDraft = Omit<CatalogTable, 'version' | 'createdAt' | 'updatedAt'>;

export async function createTable(
  tx: WriteTx,
  log: WriteLog,
  draft: TableDraft,
): Promise<CatalogTable> {
  if (!(await tx.objectStore('databases').get(draft.database)))
    throw databaseMissing(draft.database);
  const tables = tx.objectStore('tables');
  if (await tables.get([draft.database, draft.name])) throw tableExists(draft.database, draft.name);
  await checkTableClash(tx, draft.database, draft.name);
  const now = Date.now();
  const table: CatalogTable = { ...draft, version: 1, createdAt: now, updatedAt: now };
  await tables.add(table);
  log.putTable(table);
  return table;
}

export async function putTable(
  tx: WriteTx,
  log: WriteLog,
  next: CatalogTable,
  reason: string | undefined,
): Promise<CatalogTable> {
  const tables = tx.objectStore('tables');
  const stored = await tables.get([next.database, next.name]);
  if (!stored) throw tableMissing(next.database, next.name);
  if (stored.version !== next.version)
    throw catalogError(
      `table ${tableLabel(next.database, next.name)} was changed elsewhere (it is at version ${stored.version}, this edit started from version ${next.version}); reload it and edit again`,
    );
  const now = Date.now();
  const why = reason ?? schemaChangeReason(stored, next);
  let saved: CatalogTable = { ...next, createdAt: stored.createdAt, updatedAt: now };
  if (why !== undefined) {
    await tx.objectStore('tableVersions').add(versionOf(stored, why, now));
    saved = { ...saved, version: stored.version + 1 };
  }
  await tables.put(saved);
  log.putTable(saved);
  return saved;
}

export async function renameTable(
  tx: WriteTx,
  log: WriteLog,
  database: string,
  from: string,
  to: string,
): Promise<CatalogTable> {
  const tables = tx.objectStore('tables');
  const current = await tables.get([database, from]);
  if (!current) throw tableMissing(database, from);
  if (from === to) return current;
  if (await tables.get([database, to])) throw tableExists(database, to);
  await checkTableClash(tx, database, to, from);
  const moved = relocatedRecords(await takeRecords(tx, [database, from]), database, to);
  moved.tables = moved.tables.map((t) => ({ ...t, updatedAt: Date.now() }));
  await addRecords(tx, moved);
  log.deleteTable(database, from);
  log.putTable(moved.tables[0]!);
  return moved.tables[0]!;
}

export async function deleteTable(
  tx: WriteTx,
  log: WriteLog,
  database: string,
  name: string,
): Promise<CatalogTrash> {
  const records = await takeRecords(tx, [database, name]);
  if (records.tables.length === 0) throw tableMissing(database, name);
  log.deleteTable(database, name);
  return { kind: 'table', database, table: name, deletedAt: Date.now(), ...records };
}

export async function restoreVersion(
  tx: WriteTx,
  log: WriteLog,
  database: string,
  table: string,
  version: number,
): Promise<CatalogTable> {
  const current = await tx.objectStore('tables').get([database, table]);
  if (!current) throw tableMissing(database, table);
  const old = await tx.objectStore('tableVersions').get([database, table, version]);
  if (!old) throw catalogError(`table ${tableLabel(database, table)} has no version ${version}`);
  const now = Date.now();
  const changes = diffSchemas(current.columns, old.snapshot.columns);
  const reason = `restored version ${version}${changes.length ? `: ${describeChanges(changes)}` : ''}`;
  await tx.objectStore('tableVersions').add(versionOf(current, reason, now));
  const restored: CatalogTable = {
    ...old.snapshot,
    database,
    name: table,
    updatedBy: { kind: 'user' },
    version: current.version + 1,
    createdAt: current.createdAt,
    updatedAt: now,
  };
  await tx.objectStore('tables').put(restored);
  log.putTable(restored);
  return restored;
}

export async function putPartitions(
  tx: WriteTx,
  log: WriteLog,
  database: string,
  table: string,
  partitions: readonly CatalogPartition[],
): Promise<CatalogPartition[]> {
  const current = await tx.objectStore('tables').get([database, table]);
  if (!current) throw tableMissing(database, table);
  checkPartitions(current, partitions);
  const store = tx.objectStore('partitions');
  await store.delete(keysStartingWith(database, table));
  const saved = partitions.map((p) => ({ ...p, database, table }));
  await allRequests(saved.map((p) => () => store.add(p)));
  log.touchTable(database, table);
  return saved;
}

export async function putStatistics(
  tx: WriteTx,
  log: WriteLog,
  stats: TableStatistics,
): Promise<TableStatistics> {
  const { database, table, version } = stats;
  const current = await tx.objectStore('tables').get([database, table]);
  if (!current) throw tableMissing(database, table);
  const known =
    version === current.version ||
    (await tx.objectStore('tableVersions').get([database, table, version])) !== undefined;
  if (!known) throw catalogError(`table ${tableLabel(database, table)} has no version ${version}`);
  await tx.objectStore('statistics').put(stats);
  log.touchTable(database, table);
  return stats;
}
