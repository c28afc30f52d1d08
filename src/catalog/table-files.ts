import type { CatalogPartition, CatalogTable, TableParameters, TableSource } from './model';
import type { AttachedTable, JsonTable, ParquetTable, UrlFile } from '../engine/protocol';
import type { CsvDialect } from '../core/csv/dialect';
import { DecantError } from '../core/errors';
import { fileFromOpfs } from '../platform/opfs';
import { presignS3Object, s3LockedMessage } from './s3-object-urls';

type HandleWithPermission = FileSystemFileHandle & {
  queryPermission?: (d: { mode: 'read' }) => Promise<PermissionState>;
  requestPermission?: (d: { mode: 'read' }) => Promise<PermissionState>;
};

/** Why a table's files cannot be read right now. 'permission' is fixed by one click (Reconnect). */
export class SourceUnavailable extends DecantError {
  readonly needsPermission: boolean;
  constructor(message: string, needsPermission: boolean, cause?: unknown) {
    super(message, { cause });
    this.needsPermission = needsPermission;
  }
}

/**
 * The File behind a source, without asking the user: a handle whose read permission lapsed with
 * the last session throws SourceUnavailable(needsPermission) until `grantAccess` runs in a click.
 * A URL source is handed over as it is (the engine reads it by ranges when a query needs it, and
 * an expired presigned URL then fails that query with a message saying so).
 */
export async function fileFromSource(src: TableSource): Promise<File | UrlFile> {
  switch (src.kind) {
    case 'opfs':
      try {
        return await fileFromOpfs(src.opfsPath);
      } catch (e) {
        throw new SourceUnavailable(
          `catalog: the copy of "${src.path}" kept in this browser is gone`,
          false,
          e,
        );
      }
    case 'file-handle': {
      const h = src.handle as HandleWithPermission;
      const state = (await h.queryPermission?.({ mode: 'read' })) ?? 'granted';
      if (state !== 'granted')
        throw new SourceUnavailable(
          `catalog: "${src.path}" needs your permission again after the reload`,
          true,
        );
      try {
        return await h.getFile();
      } catch (e) {
        throw new SourceUnavailable(
          `catalog: "${src.path}" cannot be read (moved or deleted?)`,
          false,
          e,
        );
      }
    }
    case 'url':
      return {
        kind: 'url',
        url: src.url,
        size: src.size,
        name: src.path,
        lastModified: src.lastModified,
      };
    case 's3': {
      const { bucket, key, region, endpoint } = src;
      const url = await presignS3Object({ bucket, key, region, ...(endpoint ? { endpoint } : {}) });
      if (!url) throw new SourceUnavailable(s3LockedMessage(src.path, bucket), false);
      return { kind: 'url', url, size: src.size, name: src.path, lastModified: src.lastModified };
    }
  }
}

/** Asks for read access to every handle of a table. Must run inside a user gesture (a click). */
export async function grantAccess(t: CatalogTable): Promise<boolean> {
  let ok = true;
  for (const src of t.sources) {
    if (src.kind !== 'file-handle') continue;
    const h = src.handle as HandleWithPermission;
    const state = (await h.requestPermission?.({ mode: 'read' })) ?? 'granted';
    ok &&= state === 'granted';
  }
  return ok;
}

/** A CSV dialect as table parameters (where Glue keeps it too); the inverse of the next one. */
export function parametersFromDialect(d: CsvDialect): TableParameters {
  return {
    delimiter: d.delimiter,
    header: d.header,
    quote: d.quote,
    escape: d.escape,
    encoding: d.encoding,
    decimalSeparator: d.decimalSeparator,
    dateFormat: d.dateFormat,
    timestampFormat: d.timestampFormat,
    compression: d.compression,
    nullValues: d.nullValues ? JSON.stringify(d.nullValues) : undefined,
  };
}

/** The dialect stored in a CSV table's parameters (Glue keeps it there too). */
export function dialectFromParameters(t: CatalogTable): CsvDialect {
  const p = t.parameters;
  return {
    delimiter: p.delimiter ?? ',',
    quote: p.quote ?? '"',
    escape: p.escape ?? '"',
    header: p.header ?? true,
    encoding: p.encoding ?? 'utf-8',
    decimalSeparator: p.decimalSeparator ?? '.',
    dateFormat: p.dateFormat,
    timestampFormat: p.timestampFormat,
    compression: p.compression === 'gzip' ? 'gzip' : 'none',
    nullValues: nullValuesFromParameter(p.nullValues),
  };
}

/** The stored JSON list of null strings, or undefined when absent or not a list of strings. */
function nullValuesFromParameter(v: TableParameters['nullValues']): string[] | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    const list: unknown = JSON.parse(v);
    if (Array.isArray(list) && list.every((x) => typeof x === 'string')) return list;
  } catch {
    // Not ours (an imported table's parameter): read with DuckDB's default.
  }
  return undefined;
}

/** The table's files with their values for its partition keys (from the partitions). */
async function filesWithPartitionValues(
  t: CatalogTable,
  partitions: readonly CatalogPartition[],
): Promise<AttachedTable['files']> {
  const valuesOf = new Map<string, string[]>();
  for (const p of partitions) for (const f of p.files) valuesOf.set(f, p.values);
  return Promise.all(
    t.sources.map(async (src) => ({
      path: src.path,
      file: await fileFromSource(src),
      partitionValues: valuesOf.get(src.path) ?? [],
      ...(src.columns ? { columns: src.columns } : {}),
    })),
  );
}

/** Everything the engine needs to make `database.table` a view over the table's files. */
export async function attachedTableFrom(
  t: CatalogTable,
  partitions: readonly CatalogPartition[] = [],
): Promise<AttachedTable> {
  if (t.classification !== 'csv')
    throw new DecantError(
      `catalog: ${t.classification} tables are not queryable yet (${t.database}.${t.name})`,
    );
  const files = await filesWithPartitionValues(t, partitions);
  return {
    database: t.database,
    name: t.name,
    classification: 'csv',
    dialect: dialectFromParameters(t),
    columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
    partitionKeys: t.partitionKeys.map((c) => ({ name: c.name, type: c.type })),
    files,
  };
}

/** A JSON table's files, for the engine to load as `database.table` (JSON has no lazy reader). */
export async function jsonTableFrom(t: CatalogTable): Promise<JsonTable> {
  const files = await Promise.all(
    t.sources.map(async (src) => ({ path: src.path, file: await fileFromSource(src) })),
  );
  return { database: t.database, name: t.name, classification: 'json', files };
}

/** A Parquet table's schema and files, for the engine to read as `database.table` on first use. */
export async function parquetTableFrom(
  t: CatalogTable,
  partitions: readonly CatalogPartition[] = [],
): Promise<ParquetTable> {
  return {
    database: t.database,
    name: t.name,
    classification: 'parquet',
    columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
    partitionKeys: t.partitionKeys.map((c) => ({ name: c.name, type: c.type })),
    files: await filesWithPartitionValues(t, partitions),
  };
}
