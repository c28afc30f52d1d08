/**
 * "Add to catalog" for a received package: every file's size and SHA-256 checked first (a
 * mismatch names the file and nothing is added), then — for a zip or folder — a copy of each
 * file kept in the browser's storage, and one catalog write creating the database and its
 * Parquet tables with their partitions. URL packages keep their URLs (presigned ones stop
 * reading when they expire). A failure removes the copies made and leaves the catalog as it was.
 */
import type { CatalogPartition, CatalogTable, TableDraft } from '../catalog';
import type { StreamDigest } from '../core/hash/sha256-stream';
import { DecantError } from '../core/errors';
import type { ColumnInfo } from '../core/csv/dialect';
import {
  duckTypeOfField,
  partitionFolderOf,
  partitionValuesOf,
  tablePathOf,
  whenText,
  type OpenedPackage,
  type PackageTable,
} from './open-package';
import { fileStream, type FetchPort, type PackageFile } from './package-source';
import { checkDigest } from './verify-package';

/** Table parameter naming the package a table came from. */
export const PACKAGE_PARAMETER = 'decantPackage';
/** Table parameter: when a URL package's presigned URLs stop working (ISO). */
export const LINK_EXPIRES_PARAMETER = 'decantLinkExpires';

export type AddProgress =
  | { phase: 'checking'; bytes: number; totalBytes: number; file: string }
  | { phase: 'copying'; files: number; totalFiles: number; file: string }
  | { phase: 'saving' };

export interface AddPackagePorts {
  fetch: FetchPort;
  /** SHA-256 of a stream (a worker in the browser); rejects with 'AbortError' on abort. */
  digest(
    stream: ReadableStream<Uint8Array>,
    onBytes: (bytes: number) => void,
    signal?: AbortSignal,
  ): Promise<StreamDigest>;
  /** The data columns of a table, from its first file's footer. */
  columns(t: PackageTable): Promise<ColumnInfo[]>;
  /** Keeps a copy of a zip or folder file (OPFS); resolves to its name. */
  keep(file: PackageFile, index: number): Promise<string>;
  removeCopy(name: string): Promise<void>;
  /** One transaction: the database (created) and its tables with their partitions. */
  commit(
    database: string,
    entries: { draft: TableDraft; partitions: CatalogPartition[] }[],
  ): Promise<CatalogTable[]>;
}

export interface AddPackageOptions {
  database: string;
  onProgress?: (p: AddProgress) => void;
  signal?: AbortSignal;
  now?: number;
}

/**
 * Adds the package's tables to the catalog in database `database` (which must not exist yet).
 * Throws a `share:` DecantError naming a file whose bytes do not match, the remote error of a
 * URL that cannot be read, an 'AbortError' when cancelled, or the catalog's error; in each case
 * nothing is stored.
 */
export async function addPackage(
  pkg: OpenedPackage,
  ports: AddPackagePorts,
  opts: AddPackageOptions,
): Promise<CatalogTable[]> {
  const now = opts.now ?? Date.now();
  const expiresAt = pkg.source.expiresAt;
  if (expiresAt && Date.parse(expiresAt) <= now)
    throw new DecantError(
      `share: this link expired on ${whenText(expiresAt)}; ask the sender for a new one`,
      { domain: 'share' },
    );
  const progress = opts.onProgress ?? (() => undefined);
  const all = pkg.tables.flatMap((t) => t.files);
  const totalBytes = all.reduce((n, f) => n + f.bytes, 0);
  let done = 0;
  for (const f of all) {
    aborted(opts.signal);
    const file = await pkg.source.file(f.path);
    progress({ phase: 'checking', bytes: done, totalBytes, file: f.path });
    const stream = await fileStream(file, ports.fetch, opts.signal);
    const got = await ports.digest(
      stream,
      (b) => progress({ phase: 'checking', bytes: done + b, totalBytes, file: f.path }),
      opts.signal,
    );
    checkDigest(f, got);
    done += f.bytes;
  }
  const columns = new Map<PackageTable, ColumnInfo[]>();
  for (const t of pkg.tables) columns.set(t, await ports.columns(t));

  const copies = new Map<string, string>();
  try {
    if (pkg.source.kind !== 'url')
      for (const [i, f] of all.entries()) {
        aborted(opts.signal);
        progress({ phase: 'copying', files: i, totalFiles: all.length, file: f.path });
        copies.set(f.path, await ports.keep(await pkg.source.file(f.path), i));
      }
    aborted(opts.signal);
    progress({ phase: 'saving' });
    const entries = [];
    for (const t of pkg.tables)
      entries.push(await entryOf(pkg, t, opts.database, columns.get(t)!, copies, now));
    return await ports.commit(opts.database, entries);
  } catch (e) {
    for (const name of copies.values()) await ports.removeCopy(name).catch(() => undefined);
    throw e;
  }
}

async function entryOf(
  pkg: OpenedPackage,
  t: PackageTable,
  database: string,
  columns: ColumnInfo[],
  copies: Map<string, string>,
  now: number,
): Promise<{ draft: TableDraft; partitions: CatalogPartition[] }> {
  const keys = new Set(t.partitionKeys);
  const comment = (name: string) => t.fields.find((f) => f.name === name)?.description ?? '';
  const sources: CatalogTable['sources'] = [];
  for (const f of t.files) {
    const path = tablePathOf(f.path, t.partitionKeys);
    const copy = copies.get(f.path);
    if (copy !== undefined) {
      sources.push({ kind: 'opfs', path, opfsPath: copy, size: f.bytes, lastModified: now });
      continue;
    }
    const file = await pkg.source.file(f.path);
    if (file.kind !== 'url') throw new Error(`share: no copy of ${f.path}`);
    sources.push({ kind: 'url', path, url: file.url, size: f.bytes, lastModified: 0 });
  }
  const partitions = new Map<string, CatalogPartition>();
  if (t.partitionKeys.length)
    for (const f of t.files) {
      const location = partitionFolderOf(f.path, t.partitionKeys);
      const p = partitions.get(location) ?? {
        database,
        table: t.name,
        values: partitionValuesOf(f.path, t.partitionKeys),
        location,
        files: [],
        rowCount: 0,
        sizeBytes: 0,
      };
      p.files.push(tablePathOf(f.path, t.partitionKeys));
      p.rowCount = (p.rowCount ?? 0) + (f.rows ?? 0);
      p.sizeBytes += f.bytes;
      partitions.set(location, p);
    }
  const expires = pkg.source.expiresAt;
  return {
    draft: {
      database,
      name: t.name,
      description: t.description,
      classification: 'parquet',
      sources,
      columns: columns
        .filter((c) => !keys.has(c.name))
        .map((c) => ({ name: c.name, type: c.type, comment: comment(c.name) })),
      partitionKeys: t.partitionKeys.map((k) => ({
        name: k,
        type: duckTypeOfField(t.fields.find((f) => f.name === k)!),
        comment: comment(k),
      })),
      parameters: {
        recordCount: t.rows,
        sizeBytes: t.bytes,
        objectCount: t.files.length,
        [PACKAGE_PARAMETER]: pkg.title,
        ...(expires ? { [LINK_EXPIRES_PARAMETER]: expires } : {}),
      },
      updatedBy: { kind: 'user' },
    },
    partitions: [...partitions.values()],
  };
}

/**
 * A database name for the package that no database in `taken` has (ignoring case): its name
 * with `-` and `.` as `_`, then `_2`, `_3`…
 */
export function databaseNameFor(pkg: OpenedPackage, taken: readonly string[]): string {
  const base = pkg.name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'package';
  const folded = new Set(taken.map((n) => n.toLowerCase()));
  let name = base;
  for (let i = 2; folded.has(name.toLowerCase()); i++) name = `${base}_${i}`;
  return name;
}

function aborted(signal?: AbortSignal) {
  if (signal?.aborted)
    throw Object.assign(new Error('cancelled: nothing was added'), { name: 'AbortError' });
}
