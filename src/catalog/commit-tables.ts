/**
 * The body of a crawler's (or a job's output registration's) commit, run inside one transaction by
 * CatalogStore.commitTables. Throws DecantErrors to abort; logs what it changed.
 */
import * as databaseWrites from './database-writes';
import { tableMissing } from './catalog-errors';
import type { CatalogPartition, CatalogTable } from './model';
import type { WriteTx } from './table-records';
import * as tableWrites from './table-writes';
import type { TableDraft } from './table-writes';
import type { WriteLog } from './write-log';

export interface CommitEntry {
  draft: TableDraft;
  partitions: readonly CatalogPartition[];
  /** Archives the current table as a version with this reason, even when its schema is the same. */
  reason?: string;
  /** The version the draft was made from: a table changed since is refused, not overwritten. */
  fromVersion?: number;
}

export interface GoneTables {
  /** Tables whose files are all gone, deleted (Glue's DELETE_FROM_DATABASE). */
  delete?: readonly string[];
  /** Tables whose files are all gone, kept and marked (Glue's DEPRECATE_IN_DATABASE). */
  deprecate?: readonly string[];
}

export async function commitTables(
  tx: WriteTx,
  log: WriteLog,
  database: string,
  entries: readonly CommitEntry[],
  gone: GoneTables,
): Promise<CatalogTable[]> {
  if (!(await tx.objectStore('databases').get(database)))
    await databaseWrites.createDatabase(tx, log, database, '');
  const saved: CatalogTable[] = [];
  for (const { draft, partitions, reason, fromVersion } of entries) {
    const current = await tx.objectStore('tables').get([draft.database, draft.name]);
    const table = current
      ? await tableWrites.putTable(
          tx,
          log,
          {
            ...current,
            ...draft,
            version: fromVersion ?? current.version,
            createdAt: current.createdAt,
          },
          reason,
        )
      : await tableWrites.createTable(tx, log, draft);
    await tableWrites.putPartitions(tx, log, draft.database, draft.name, partitions);
    saved.push(table);
  }
  for (const name of gone.delete ?? []) await tableWrites.deleteTable(tx, log, database, name);
  for (const name of gone.deprecate ?? []) {
    const current = await tx.objectStore('tables').get([database, name]);
    if (!current) throw tableMissing(database, name);
    await tableWrites.putTable(
      tx,
      log,
      {
        ...current,
        parameters: { ...current.parameters, DEPRECATED_BY_CRAWLER: Date.now() },
      },
      'its files are gone: marked deprecated by the crawler',
    );
  }
  return saved;
}
