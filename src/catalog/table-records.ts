/**
 * Moving a table's records (the table, its versions, partitions and statistics) as one unit
 * inside a write transaction: for rename, delete and restore of tables and whole databases.
 */
import type { IDBPTransaction } from 'idb';
import type { CatalogDbSchema, CatalogStoreName } from '../storage/schema';
import type { CatalogPartition, CatalogTable, TableStatistics, TableVersion } from './model';

export type WriteTx = IDBPTransaction<CatalogDbSchema, CatalogStoreName[], 'readwrite'>;

/** The stores that hold a table and what belongs to it, all keyed `[database, table, …]`. */
export const TABLE_STORES = ['tables', 'tableVersions', 'partitions', 'statistics'] as const;

export interface TableRecords {
  tables: CatalogTable[];
  versions: TableVersion[];
  partitions: CatalogPartition[];
  statistics: TableStatistics[];
}

/**
 * Every compound key that starts with `prefix`: `[db]` spans a database, `[db, table]` a table.
 * Arrays sort after strings and numbers in IndexedDB, so `[...prefix, []]` is past them all.
 */
export function keysStartingWith(...prefix: string[]): IDBKeyRange {
  return IDBKeyRange.bound(prefix, [...prefix, []]);
}

/** Reads and deletes all records under `prefix`; the caller adds them back or keeps them as trash. */
export async function takeRecords(tx: WriteTx, prefix: string[]): Promise<TableRecords> {
  const range = keysStartingWith(...prefix);
  const [tables, versions, partitions, statistics] = await Promise.all([
    tx.objectStore('tables').getAll(range),
    tx.objectStore('tableVersions').getAll(range),
    tx.objectStore('partitions').getAll(range),
    tx.objectStore('statistics').getAll(range),
  ]);
  await Promise.all(TABLE_STORES.map((store) => tx.objectStore(store).delete(range)));
  return { tables, versions, partitions, statistics };
}

/** Adds records that must not exist yet: a clash aborts the transaction (ConstraintError). */
export async function addRecords(tx: WriteTx, r: TableRecords): Promise<void> {
  await allRequests([
    ...r.tables.map((t) => () => tx.objectStore('tables').add(t)),
    ...r.versions.map((v) => () => tx.objectStore('tableVersions').add(v)),
    ...r.partitions.map((p) => () => tx.objectStore('partitions').add(p)),
    ...r.statistics.map((s) => () => tx.objectStore('statistics').add(s)),
  ]);
}

/**
 * Issues requests together and waits for all. A request that throws as it is made (a value
 * that cannot be cloned, a full disk) rejects like one that fails later, so no request of the
 * batch is left with an unobserved rejection when the transaction aborts.
 */
export async function allRequests(requests: (() => Promise<unknown>)[]): Promise<void> {
  await Promise.all(requests.map(async (request) => request()));
}

/**
 * The same records under database `database` and, when moving one table, the name `table`
 * (archived snapshots included, so a restored version lands where the table now lives).
 */
export function relocatedRecords(r: TableRecords, database: string, table?: string): TableRecords {
  const name = (old: string) => table ?? old;
  return {
    tables: r.tables.map((t) => ({ ...t, database, name: name(t.name) })),
    versions: r.versions.map((v) => ({
      ...v,
      database,
      table: name(v.table),
      snapshot: { ...v.snapshot, database, name: name(v.table) },
    })),
    partitions: r.partitions.map((p) => ({ ...p, database, table: name(p.table) })),
    statistics: r.statistics.map((s) => ({ ...s, database, table: name(s.table) })),
  };
}

/** `t` as an archived version, replaced at `now` for `reason`. */
export function versionOf(t: CatalogTable, reason: string, now: number): TableVersion {
  return {
    database: t.database,
    table: t.name,
    version: t.version,
    archivedAt: now,
    reason,
    snapshot: t,
  };
}
