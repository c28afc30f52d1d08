/**
 * Parquet kept for the catalog: a CSV or JSON table rewritten as Parquet (its rows as the
 * catalog types them, partition folders kept as `key=value/`), and any Parquet file written into
 * a folder (the browser's storage or one the user picked) then registered as a table. Files are
 * staged under temporary names, moved into place, and only then is the catalog written, in one
 * transaction; a failure or a cancel removes the files, and the table stays as it was.
 */
import type { CatalogPartition, CatalogTable, TableDraft, TableParameters } from '../catalog';
import { DecantError } from '../core/errors';
import { quoteIdent } from '../core/sql/quote';
import { cancelledExport, safeFileName, type ExportCompression } from './export-data';
import { DEFAULT_ROW_GROUP_SIZE, type TargetWriteFormat } from './nodes/target';
import { HIVE_NULL, partFileName, partitionFolder } from './output-files';
import { openStreamedFile, removeStreamedFile, stageFiles, type PublishedFile } from './run/output';
import type { JobCatalog, JobEngine, StagedFile, StreamedFile } from './run/ports';

/** The folder of the browser's storage that kept Parquet goes under: `decant-parquet/<db>/…`. */
export const OPFS_PARQUET_FOLDER = 'decant-parquet';

/** Where kept Parquet goes: the browser's storage, or a folder the user picked. */
export type ParquetPlace =
  | { kind: 'opfs'; root: FileSystemDirectoryHandle }
  | { kind: 'folder'; folder: FileSystemDirectoryHandle };

export interface MaterializeProgress {
  rows: number;
  bytesWritten: number;
  phase: 'running' | 'saving';
}

export interface MaterializeDeps {
  engine: Pick<JobEngine, 'runJobTarget'>;
  catalog: Pick<JobCatalog, 'getTable' | 'listPartitions' | 'commitTables' | 'attach'>;
}

export interface KeptParquet {
  table: CatalogTable | undefined;
  bytes: number;
  files: number;
  /** Where the files are: `opfs:decant-parquet/shop/sales-…/`, `folder:exports/sales-…/`. */
  label: string;
}

/** Table parameters that describe CSV or JSON text, meaningless for Parquet. */
const TEXT_PARAMETERS = [
  'delimiter',
  'header',
  'quote',
  'escape',
  'encoding',
  'decimalSeparator',
  'dateFormat',
  'timestampFormat',
  'nullValues',
  'compression',
  'jsonLayout',
];

/**
 * Rewrites `database.table` (CSV or JSON) as Parquet (ZSTD unless told) under `place`, then
 * makes the table read it: classification parquet, its files replaced, the previous definition
 * archived as a version (so Restore brings the text files back). Rejects with a `catalog:`
 * DecantError when the table cannot be read or changed, code 'cancelled' once `signal` aborts.
 */
export async function materializeTable(
  database: string,
  table: string,
  place: ParquetPlace,
  deps: MaterializeDeps,
  onProgress: (p: MaterializeProgress) => void,
  signal: AbortSignal,
  compression: ExportCompression = 'zstd',
): Promise<KeptParquet & { rows: number }> {
  const label = `${quoteIdent(database)}.${quoteIdent(table)}`;
  const t = await deps.catalog.getTable(database, table);
  if (!t) throw new DecantError(`catalog: there is no table ${label}`);
  if (t.classification === 'parquet')
    throw new DecantError(`catalog: table ${label} already reads Parquet`);
  const access = await deps.catalog.attach(t);
  if (access.kind !== 'attached')
    throw new DecantError(`catalog: table ${label} cannot be read now: ${access.message}`);
  const format: TargetWriteFormat = {
    kind: 'parquet',
    compression,
    rowGroupSize: DEFAULT_ROW_GROUP_SIZE,
  };
  const keys = t.partitionKeys.map((k) => k.name);
  // The table's view types every column as the catalog says (and adds the partition keys).
  const sql = `SELECT * FROM ${label}`;
  const id = runIdNow();
  const current = await deps.catalog.listPartitions(database, table);
  const folderOf = folderNames(t, current);
  // Each file is encoded straight into its folder under a temporary name, never whole in memory.
  const home = await keptFolder(place, `${safeFileName(database)}/${safeFileName(table)}-${id}`);
  const streamed = new Map<number, StreamedFile>();
  // The folder is this run's own (its name has the id): on failure it goes, whatever is in it.
  const removeStreamed = () => removeFiles(home.root, home.path, []).catch(() => undefined);
  let out;
  try {
    out = await deps.engine.runJobTarget(
      { sql, partitionKeys: keys, encoding: 'parquet' },
      format,
      (p) => onProgress({ rows: p.rows, bytesWritten: p.bytesWritten, phase: 'running' }),
      signal,
      async (values, index) => {
        const folder = folderOf(values);
        const f = await openStreamedFile(
          home.dir,
          '',
          folder ? `${folder}/file` : 'file',
          id,
          `stream-${index}`,
        );
        streamed.set(index, f);
        return f.handle;
      },
    );
  } catch (e) {
    await removeStreamed();
    if (e instanceof DecantError && e.code === 'cancelled') throw cancelledExport();
    throw new DecantError(`catalog: table ${label} cannot be read: ${detailOf(e)}`, { cause: e });
  }
  if (signal.aborted) {
    await removeStreamed();
    throw cancelledExport();
  }
  for (const [i, f] of out.files.entries())
    if (f.rows === 0 && streamed.has(i)) await removeStreamedFile(streamed.get(i)!);
  const files: StagedFile[] = out.files
    .map((f, i) => ({ ...f, streamedAs: streamed.get(i) }))
    .filter((f) => f.rows > 0)
    .map((f, i) => {
      const folder = folderOf(f.values);
      const name = partFileName(id, i, format);
      return { path: folder ? `${folder}/${name}` : name, blob: f.blob, streamedAs: f.streamedAs };
    });
  const rowsOf = new Map(
    out.files.filter((f) => f.rows > 0).map((f, i) => [files[i]!.path, f] as const),
  );
  onProgress({
    rows: [...rowsOf.values()].reduce((n, f) => n + f.rows, 0),
    bytesWritten: files.reduce((n, f) => n + f.blob.size, 0),
    phase: 'saving',
  });
  const kept = await keepParquet(
    place,
    `${safeFileName(database)}/${safeFileName(table)}-${id}`,
    files,
    id,
    signal,
    async (published) => {
      const written = published.map((p) => {
        const f = rowsOf.get(p.path)!;
        return { ...p, rows: f.rows, bytes: f.blob.size, values: f.values };
      });
      const draft = await parquetDraft(t, written, compression);
      await deps.catalog.commitTables(database, [
        {
          draft,
          partitions: mergedPartitions(t, current, written),
          reason: `materialized as Parquet (${compression.toUpperCase()})`,
          fromVersion: t.version,
        },
      ]);
      return deps.catalog.getTable(database, table);
    },
  );
  return { ...kept, rows: [...rowsOf.values()].reduce((n, f) => n + f.rows, 0) };
}

/** The folder kept Parquet goes into under `place` (made when missing), and its label. */
async function keptFolder(
  place: ParquetPlace,
  folder: string,
): Promise<{
  root: FileSystemDirectoryHandle;
  path: string;
  label: string;
  dir: FileSystemDirectoryHandle;
}> {
  const root = place.kind === 'opfs' ? place.root : place.folder;
  const path = place.kind === 'opfs' ? `${OPFS_PARQUET_FOLDER}/${folder}` : folder;
  const label = `${place.kind === 'opfs' ? 'opfs' : `folder:${root.name}`}:${path}/`;
  try {
    // One folder name per level: browsers refuse a name with `/` in it.
    let dir = root;
    for (const p of path.split('/').filter((p) => p !== ''))
      dir = await dir.getDirectoryHandle(p, { create: true });
    return { root, path, label, dir };
  } catch (e) {
    throw new DecantError(`catalog: ${detailOf(e)}`, { cause: e });
  }
}

/**
 * Writes `files` (paths relative to the new folder) into `folder` under `place`, moves them
 * into place, then calls `register` with them; a failure there (or a cancel before it) removes
 * the files again. Rejects with a `catalog:` DecantError saying what could not be written.
 */
export async function keepParquet(
  place: ParquetPlace,
  folder: string,
  files: readonly StagedFile[],
  id: string,
  signal: AbortSignal,
  register: (published: PublishedFile[]) => Promise<CatalogTable | undefined>,
): Promise<KeptParquet> {
  const { root, path, label, dir } = await keptFolder(place, folder);
  let staged;
  try {
    staged = await stageFiles(dir, '', files, id, label);
  } catch (e) {
    throw new DecantError(`catalog: ${detailOf(e)}`, { cause: e });
  }
  if (signal.aborted) {
    await staged.discard();
    throw cancelledExport();
  }
  let published: PublishedFile[] = [];
  try {
    published = await staged.commit();
    if (signal.aborted) throw cancelledExport();
    const table = await register(published);
    return {
      table,
      bytes: files.reduce((n, f) => n + f.blob.size, 0),
      files: files.length,
      label,
    };
  } catch (e) {
    await staged.discard().catch(() => undefined);
    await removeFiles(root, path, published).catch(() => undefined);
    if (e instanceof DecantError && (e.code === 'cancelled' || e.domain === 'catalog')) throw e;
    throw new DecantError(`catalog: the Parquet was not kept: ${detailOf(e)}`, { cause: e });
  }
}

/** A written Parquet file of a table. */
interface WrittenParquet extends PublishedFile {
  rows: number;
  bytes: number;
  /** Partition values, DuckDB's text (null for NULL). */
  values: (string | null)[];
}

/** The table as it reads the Parquet files: same columns and keys, Parquet's parameters. */
async function parquetDraft(
  t: CatalogTable,
  files: readonly WrittenParquet[],
  compression: ExportCompression,
): Promise<TableDraft> {
  const parameters: TableParameters = {};
  for (const [k, v] of Object.entries(t.parameters))
    if (!TEXT_PARAMETERS.includes(k)) parameters[k] = v;
  const sources = await Promise.all(
    files.map(async (f) => {
      const file = await f.handle!.getFile();
      return {
        kind: 'file-handle' as const,
        path: f.path,
        handle: f.handle!,
        size: file.size,
        lastModified: file.lastModified,
      };
    }),
  );
  return {
    database: t.database,
    name: t.name,
    description: t.description,
    classification: 'parquet',
    sources,
    columns: t.columns,
    partitionKeys: t.partitionKeys,
    parameters: {
      ...parameters,
      compression,
      recordCount: files.reduce((n, f) => n + f.rows, 0),
      sizeBytes: files.reduce((n, f) => n + f.bytes, 0),
      objectCount: files.length,
    },
    updatedBy: { kind: 'user' },
  };
}

/**
 * The partitions after materializing: each folder lists the new Parquet files after its earlier
 * ones. The earlier files stay listed because a partition's values are found by file path: an
 * archived version restored (reading the text files again) still finds its values.
 */
function mergedPartitions(
  t: CatalogTable,
  before: readonly CatalogPartition[],
  files: readonly WrittenParquet[],
): CatalogPartition[] {
  if (t.partitionKeys.length === 0) return [];
  const byLocation = new Map<string, CatalogPartition>();
  for (const p of before) byLocation.set(p.location, { ...p, rowCount: 0, sizeBytes: 0 });
  for (const f of files) {
    const location = f.path.split('/').slice(0, -1).join('/');
    const p = byLocation.get(location) ?? {
      database: t.database,
      table: t.name,
      values: f.values.map((v) => v ?? HIVE_NULL),
      location,
      files: [],
      rowCount: 0,
      sizeBytes: 0,
    };
    byLocation.set(location, {
      ...p,
      files: [...p.files, f.path],
      rowCount: (p.rowCount ?? 0) + f.rows,
      sizeBytes: p.sizeBytes + f.bytes,
    });
  }
  return [...byLocation.values()].sort((a, b) => (a.location < b.location ? -1 : 1));
}

/**
 * The folder of a partition's values: the table's own folder for them when it has one (the
 * crawled `month=01`, though DuckDB writes the BIGINT as `1`), else Hive's `key=value`.
 */
function folderNames(
  t: CatalogTable,
  partitions: readonly CatalogPartition[],
): (values: readonly (string | null)[]) => string {
  const numeric = t.partitionKeys.map((k) =>
    /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT|FLOAT|DOUBLE|DECIMAL)/i.test(k.type),
  );
  const same = (a: string | null, b: string, i: number) =>
    a === null
      ? b === HIVE_NULL || b === ''
      : numeric[i] && b.trim() !== ''
        ? Number(a) === Number(b)
        : a === b;
  return (values) => {
    const p = partitions.find(
      (p) => p.values.length === values.length && values.every((v, i) => same(v, p.values[i]!, i)),
    );
    return p
      ? p.location
      : partitionFolder(
          t.partitionKeys.map((k) => k.name),
          values,
        );
  };
}

/**
 * Removes the files published under `path` in `root`, then `path` itself when it is a folder
 * this module made and nothing else is left in it (a picked folder's other files are kept).
 */
async function removeFiles(
  root: FileSystemDirectoryHandle,
  path: string,
  published: readonly PublishedFile[],
): Promise<void> {
  const dirOf = async (parts: string[]) => {
    let dir = root;
    for (const p of parts) dir = await dir.getDirectoryHandle(p);
    return dir;
  };
  const base = path.split('/').filter((p) => p !== '');
  for (const f of published) {
    const parts = [...base, ...f.path.split('/')];
    const name = parts.pop()!;
    await (await dirOf(parts)).removeEntry(name).catch(() => undefined);
  }
  if (base.length === 0) return;
  const last = base.pop()!;
  await (await dirOf(base)).removeEntry(last, { recursive: true });
}

/** A fresh id for file and folder names: time, then randomness. */
export function runIdNow(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

function detailOf(e: unknown): string {
  return e instanceof DecantError ? e.detail : e instanceof Error ? e.message : String(e);
}
