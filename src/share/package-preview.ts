/**
 * The first rows of a package table, read without reading the table: its first Parquet file's
 * footer, then only the pages the first rows sit in (the offset index says where, when the file
 * has one; else the first row group's column chunks), by range reads of a ByteSource — a slice
 * of a zip or folder file, or range GETs of a URL. Previewing a 1 GB entry costs its footer and
 * a row group, not a gigabyte. hyparquet decodes (ZSTD, Snappy, GZIP… through its compressors).
 */
import type { AsyncBuffer } from 'hyparquet';
import { byteSourceFromBlob, exactBuffer, type ByteSource } from '../core/byte-source';
import { DecantError } from '../core/errors';
import { quotedName } from '../core/quoted-name';
import type { OpenedPackage, PackageTable } from './open-package';
import { partitionValuesOf } from './open-package';
import { fetchChecked, type FetchPort, type PackageFile } from './package-source';

/** Rows as the package view shows them: column names, and each cell as text (null: NULL). */
export interface PreviewRows {
  columns: string[];
  rows: (string | null)[][];
}

/** A package file as a ByteSource: a Blob read by slices, a URL by range GETs. */
export function byteSourceOf(f: PackageFile, size: number, port: FetchPort): ByteSource {
  if (f.kind === 'blob') return byteSourceFromBlob(f.blob, f.path);
  return {
    name: f.path,
    size,
    async read(start, end) {
      const last = Math.min(end, size) - 1;
      if (last < start) return new Uint8Array(0);
      const res = await fetchChecked(f.url, port, {
        headers: { Range: `bytes=${start}-${last}` },
      });
      const bytes = new Uint8Array(await res.arrayBuffer());
      // A server that ignores Range sends the whole file: keep only what was asked for.
      if (res.status === 200 && bytes.length === size) return bytes.subarray(start, last + 1);
      if (res.status !== 206 || bytes.length !== last - start + 1)
        throw new DecantError(
          `share: ${quotedName(f.path)}: asked for bytes ${start}-${last}, the server sent ` +
            `${bytes.length} (status ${res.status})`,
          { domain: 'share' },
        );
      return bytes;
    },
  };
}

function asyncBuffer(source: ByteSource): AsyncBuffer {
  return {
    byteLength: source.size,
    slice: async (start, end = source.size) => exactBuffer(await source.read(start, end)),
  };
}

/**
 * The first `limit` rows of the Parquet file `source`, its partition `values` appended as the
 * last columns. Throws a `share:` DecantError naming the file when it cannot be read.
 */
export async function previewParquet(
  source: ByteSource,
  limit: number,
  partitions: readonly { name: string; value: string }[] = [],
): Promise<PreviewRows> {
  const file = asyncBuffer(source);
  try {
    // hyparquet and its codecs (80 KB) load with the first preview, not at app start.
    const [{ parquetMetadataAsync, parquetReadObjects, parquetSchema }, { compressors }] =
      await Promise.all([import('hyparquet'), import('hyparquet-compressors')]);
    const metadata = await parquetMetadataAsync(file);
    const elements = parquetSchema(metadata).children.map((c) => c.element);
    const columns = elements.map((e) => e.name);
    // A DECIMAL decodes as a number: shown with its scale, as the engine shows it (`1.50`).
    const scales = elements.map((e) =>
      e.converted_type === 'DECIMAL' || e.logical_type?.type === 'DECIMAL' ? (e.scale ?? 0) : null,
    );
    const rows = await parquetReadObjects({
      file,
      metadata,
      rowStart: 0,
      rowEnd: Math.min(limit, Number(metadata.num_rows)),
      compressors,
      useOffsetIndex: true,
    });
    return {
      columns: [...columns, ...partitions.map((p) => p.name)],
      rows: rows.map((r) => [
        ...columns.map((c, i) => cellText(r[c], scales[i])),
        ...partitions.map((p) => p.value),
      ]),
    };
  } catch (e) {
    if (e instanceof DecantError) throw e;
    throw new DecantError(
      `share: ${quotedName(source.name)} cannot be previewed (${e instanceof Error ? e.message : String(e)})`,
      { domain: 'share', cause: e },
    );
  }
}

/** The first rows of a package table: its first file's (see previewParquet). */
export async function previewPackageTable(
  pkg: OpenedPackage,
  t: PackageTable,
  port: FetchPort,
  limit = 20,
): Promise<PreviewRows> {
  const first = t.files[0];
  if (!first)
    throw new DecantError(`share: resource ${quotedName(t.resource)} has no files`, {
      domain: 'share',
    });
  const source = byteSourceOf(await pkg.source.file(first.path), first.bytes, port);
  const values = partitionValuesOf(first.path, t.partitionKeys);
  return previewParquet(
    source,
    limit,
    t.partitionKeys.map((name, i) => ({ name, value: values[i]! })),
  );
}

/** A decoded value as the preview shows it; `scale`: the digits after the point of a DECIMAL. */
export function cellText(v: unknown, scale: number | null = null): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (scale !== null && typeof v === 'number') return v.toFixed(Math.min(scale, 100));
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date)
    return Number.isNaN(v.getTime())
      ? 'Invalid date'
      : v
          .toISOString()
          .replace('T', ' ')
          .replace(/(?: 00:00:00)?\.000Z$|Z$/, '');
  if (v instanceof Uint8Array)
    return `\\x${Array.from(v.subarray(0, 64), (b) => b.toString(16).padStart(2, '0')).join('')}${v.length > 64 ? '…' : ''}`;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
}
