/** The catalog as a job run uses it (src/jobs' JobCatalog), over the page's catalog mirror. */
import { DecantError } from '../core/errors';
import { jsonTableFrom, parquetTableFrom } from '../catalog';
import type { EngineClient } from '../engine/client';
import type { JobCatalog } from '../jobs';
import type { CatalogState } from './catalog.svelte';

export function jobCatalogOf(cat: CatalogState, engine: EngineClient): JobCatalog {
  return {
    whenReady: () => catalogReady(cat),
    getTable: (database, table) => cat.records.getTable(database, table),
    listPartitions: (database, table) => cat.listPartitions(database, table),
    attach: (t) => cat.attach(t),
    async attachCopy(t, as) {
      if (t.classification === 'parquet') {
        const partitions = await cat.listPartitions(t.database, t.name);
        await engine.attachTable({ ...(await parquetTableFrom(t, partitions)), ...as });
      } else {
        await engine.attachTable({ ...(await jsonTableFrom(t)), ...as });
      }
      return () => engine.detachTable(as.database, as.name);
    },
    commitTables: (database, entries) => cat.commitTables(database, entries),
  };
}

/** Resolves when the catalog mirror is open; rejects with why it could not open. */
async function catalogReady(cat: CatalogState): Promise<void> {
  try {
    await cat.opened;
  } catch (e) {
    throw new DecantError(`job: the catalog did not open: ${(e as Error).message}`, { cause: e });
  }
}
