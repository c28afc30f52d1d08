/**
 * Writing an import plan (see glue-import.ts) inside one transaction: creates what is new,
 * overwrites only the conflicts the user chose, and archives every table it overwrites.
 */
import { quotedName } from '../core/quoted-name';
import { describeChanges, diffSchemas } from './schema-diff';
import { catalogError, tableLabel } from './catalog-errors';
import type { ImportPlan } from './glue-import';
import { versionOf, type WriteTx } from './table-records';
import { checkDatabaseClash, checkDatabaseNameFree, checkTableClash } from './name-rules';
import type { WriteLog } from './write-log';

export interface ImportResult {
  databasesCreated: number;
  tablesCreated: number;
  overwritten: number;
}

const replanned = (what: string, happened = 'created') =>
  catalogError(`import: ${what} was ${happened} since the import was planned; plan it again`);

/**
 * Applies `plan`, overwriting the conflicts whose keys are in `overwrite`. Throws (aborting the
 * transaction) if the catalog changed so the plan no longer holds, or a key is not a conflict.
 * An overwritten table keeps its sources (what it reads in this browser) and its history.
 */
export async function applyImportPlan(
  tx: WriteTx,
  plan: ImportPlan,
  overwrite: readonly string[],
  log: WriteLog,
  now: number,
): Promise<ImportResult> {
  const chosen = new Set(overwrite);
  for (const key of chosen)
    if (!plan.conflicts.some((c) => c.key === key))
      throw catalogError(`import: ${key} is not one of the plan's conflicts`);
  const databases = tx.objectStore('databases');
  const tables = tx.objectStore('tables');

  for (const d of plan.create.databases) {
    if (await databases.get(d.name)) throw replanned(`database ${quotedName(d.name)}`);
    checkDatabaseNameFree(d.name);
    await checkDatabaseClash(tx, d.name);
    await databases.add({ ...d, createdAt: now, updatedAt: now });
    log.putDatabase(d.name);
  }
  const tableDatabases = new Set([
    ...plan.create.tables.map((t) => t.database),
    ...plan.conflicts.filter((c) => c.kind === 'table' && chosen.has(c.key)).map((c) => c.database),
  ]);
  for (const name of tableDatabases)
    if (!(await databases.get(name))) throw replanned(`database ${quotedName(name)}`, 'deleted');

  for (const t of plan.create.tables) {
    if (await tables.get([t.database, t.name]))
      throw replanned(`table ${tableLabel(t.database, t.name)}`);
    await checkTableClash(tx, t.database, t.name);
    const created = { ...t, version: 1, createdAt: now, updatedAt: now };
    await tables.add(created);
    log.putTable(created);
  }

  let overwritten = 0;
  for (const conflict of plan.conflicts) {
    if (!chosen.has(conflict.key)) continue;
    overwritten++;
    if (conflict.kind === 'database') {
      const current = await databases.get(conflict.database);
      const base = current ?? { ...conflict.incoming, createdAt: now };
      await databases.put({ ...base, description: conflict.incoming.description, updatedAt: now });
      log.putDatabase(conflict.database);
      continue;
    }
    const current = await tables.get([conflict.database, conflict.table]);
    let next = { ...conflict.incoming, version: 1, createdAt: now, updatedAt: now };
    if (current) {
      const changes = diffSchemas(current.columns, next.columns);
      const reason = `replaced by import${changes.length ? `: ${describeChanges(changes)}` : ''}`;
      await tx.objectStore('tableVersions').add(versionOf(current, reason, now));
      next = {
        ...next,
        sources: current.sources,
        version: current.version + 1,
        createdAt: current.createdAt,
      };
    }
    await tables.put(next);
    log.putTable(next);
  }
  return {
    databasesCreated: plan.create.databases.length,
    tablesCreated: plan.create.tables.length,
    overwritten,
  };
}
