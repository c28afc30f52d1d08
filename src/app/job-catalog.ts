/** The catalog as a job run uses it (src/jobs' JobCatalog), over the page's catalog mirror. */
import { DecantError } from '../core/errors';
import { jsonTableFrom, parquetTableFrom } from '../catalog/table-files';
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
        await engine.attachParquetTable({ ...(await parquetTableFrom(t, partitions)), ...as });
        return () => engine.detachParquetTable(as.database, as.name);
      }
      await engine.attachJsonTable({ ...(await jsonTableFrom(t)), ...as });
      return () => engine.detachJsonTable(as.database, as.name);
    },
    commitTables: (database, entries) => cat.commitTables(database, entries),
  };
}

/** Waits (up to 30 s) for the catalog mirror to open. */
async function catalogReady(cat: CatalogState): Promise<void> {
  for (let i = 0; i < 300 && !cat.ready; i++) {
    if (cat.loadError) throw cat.loadError;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!cat.ready) throw new DecantError('job: the catalog did not open');
}
