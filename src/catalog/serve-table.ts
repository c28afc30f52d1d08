/**
 * Serving a catalog table in the engine as `database.table`, read from its files as its
 * classification says; and, when that cannot be done now, why — in a form the UI can offer a fix
 * for (a folder whose permission a click restores).
 */
import type { EngineClient } from '../engine/client';
import type { CatalogPartition, CatalogTable } from './model';
import {
  attachedTableFrom,
  jsonTableFrom,
  parquetTableFrom,
  SourceUnavailable,
} from './table-files';

export type Attachment =
  | { kind: 'attached' }
  | { kind: 'needs-permission'; message: string }
  | { kind: 'unavailable'; message: string };

/** What serving needs: the engine's attach call and the table's partitions. */
export interface ServeDeps {
  engine: Pick<EngineClient, 'attachTable'>;
  listPartitions(database: string, table: string): Promise<CatalogPartition[]>;
}

/** Serves `t`; never throws: a table that cannot be read now says why in its Attachment. */
export async function serveTable(deps: ServeDeps, t: CatalogTable): Promise<Attachment> {
  try {
    if (t.classification === 'json') {
      await deps.engine.attachTable(await jsonTableFrom(t));
    } else {
      const partitions = await deps.listPartitions(t.database, t.name);
      await deps.engine.attachTable(
        t.classification === 'parquet'
          ? await parquetTableFrom(t, partitions)
          : await attachedTableFrom(t, partitions),
      );
    }
    return { kind: 'attached' };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return e instanceof SourceUnavailable && e.needsPermission
      ? { kind: 'needs-permission', message }
      : { kind: 'unavailable', message };
  }
}
