import {
  parquetMetadataAsync,
  parquetSchema,
  type AsyncBuffer,
  type FileMetaData,
} from 'hyparquet';
import { byteSourceFromBlob, exactBuffer, type ByteSource } from '../../src/core/byte-source';
import { DecantError } from '../../src/core/errors';
import { duckdbColumnsFromParquet } from '../../src/core/parquet/parquet-types';
import { quotedName } from '../../src/core/quoted-name';
import { ident, joinSql, raw, sql } from '../../src/core/sql/sql-template';
import { isTypeName } from '../../src/core/sql/type-name';
import type { FileSchema } from '../../src/engine/protocol';
import type { SqlSession } from './sql-session';

/** An AsyncBuffer that also counts the bytes its slices returned. */
export interface CountingBuffer extends AsyncBuffer {
  bytesRead: number;
}

/**
 * An AsyncBuffer over a ByteSource (a file or a URL): each slice reads only its own range, so
 * reading a footer never loads the file.
 */
export function asyncBufferFromSource(source: ByteSource): CountingBuffer {
  const buffer: CountingBuffer = {
    byteLength: source.size,
    bytesRead: 0,
    async slice(start: number, end = source.size) {
      const bytes = await source.read(start, end);
      buffer.bytesRead += bytes.byteLength;
      return exactBuffer(bytes);
    },
  };
  return buffer;
}

/** asyncBufferFromSource over a Blob (a dropped File). */
export function asyncBufferFromBlob(blob: Blob): CountingBuffer {
  return asyncBufferFromSource(byteSourceFromBlob(blob));
}

/** The first fetch from the end: footers of files with a few hundred columns fit. */
const FOOTER_FETCH = 64 * 1024;
const MAGIC = 'PAR1';

/**
 * The Parquet classifier: the magic bytes at both ends, then the footer (one read of the last
 * 64 KiB, a second only for a larger footer), never the data pages. Column types follow DuckDB
 * (see duckdbColumnsFromParquet), normalized by DuckDB's own type printer when `s` is given.
 * Throws DecantError: `parquet: "x.parquet" is not a Parquet file (…)`, or `parquet:` errors
 * for an encrypted or unreadable footer.
 */
export async function inspectParquet(
  file: AsyncBuffer,
  name: string,
  s?: SqlSession,
): Promise<FileSchema> {
  const label = quotedName(name);
  const notParquet = (why: string) =>
    new DecantError(`parquet: ${label} is not a Parquet file (${why})`);
  if (file.byteLength < 12)
    throw notParquet(`it has ${file.byteLength} bytes; the smallest Parquet file has 12`);
  const head = new Uint8Array(await file.slice(0, 4));
  if (text(head) !== MAGIC) throw notParquet(`it starts with ${shown(head)}, not "PAR1"`);
  const tailStart = Math.max(0, file.byteLength - FOOTER_FETCH);
  const tail = new Uint8Array(await file.slice(tailStart, file.byteLength));
  const end = tail.subarray(tail.length - 4);
  if (text(end) === 'PARE')
    throw new DecantError(`parquet: ${label} is encrypted; Decant cannot read encrypted Parquet`);
  if (text(end) !== MAGIC)
    throw notParquet(`it ends with ${shown(end)}, not "PAR1": is it cut short?`);

  let metadata: FileMetaData;
  try {
    // hyparquet reads the footer again from this buffer: serve the tail already read.
    const cached: AsyncBuffer = {
      byteLength: file.byteLength,
      slice: (a, b = file.byteLength) =>
        a >= tailStart ? tail.slice(a - tailStart, b - tailStart).buffer : file.slice(a, b),
    };
    metadata = await parquetMetadataAsync(cached, { initialFetchSize: FOOTER_FETCH });
  } catch (e) {
    throw new DecantError(`parquet: ${label}: the footer cannot be read (${reason(e)})`, {
      cause: e,
    });
  }

  let found;
  try {
    found = duckdbColumnsFromParquet(parquetSchema(metadata));
  } catch (e) {
    throw new DecantError(`parquet: ${label}: the schema cannot be read (${reason(e)})`, {
      cause: e,
    });
  }
  const columns = s ? normalizeTypes(s, found.columns) : found.columns;
  const groups = metadata.row_groups.length;
  const notes = [`${groups} row group${groups === 1 ? '' : 's'}`];
  if (metadata.created_by) notes.push(`written by ${metadata.created_by}`);
  notes.push(...found.notes);
  return { classification: 'parquet', columns, rowCount: Number(metadata.num_rows), notes };
}

/**
 * Each type as DuckDB prints it (`STRUCT("id" INTEGER)` → `STRUCT(id INTEGER)`), in one query;
 * a type DuckDB-WASM cannot parse keeps its own text.
 */
function normalizeTypes(
  s: SqlSession,
  columns: { name: string; type: string }[],
): { name: string; type: string }[] {
  const typed = columns.filter((c) => isTypeName(c.type));
  if (typed.length === 0) return columns;
  const select = (cs: { type: string }[]) =>
    // Only type names isTypeName accepted reach here: types cannot be quoted.
    sql`SELECT ${joinSql(cs.map((c, i) => sql`typeof(CAST(NULL AS ${raw(c.type)})) AS ${ident(`t${i}`)}`))}`
      .text;
  const printed = new Map<string, string>();
  try {
    const row = s.rows(select(typed))[0] ?? {};
    typed.forEach((c, i) => printed.set(c.type, String(row[`t${i}`])));
  } catch {
    for (const c of typed) {
      try {
        printed.set(c.type, String(s.rows(select([c]))[0]?.t0));
      } catch {
        // Unknown to this DuckDB build: keep the derived text.
      }
    }
  }
  return columns.map((c) => ({ name: c.name, type: printed.get(c.type) ?? c.type }));
}

function text(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** `"PK\u0003\u0004"`-style text for printable bytes, hex otherwise: what a user can recognize. */
function shown(bytes: Uint8Array): string {
  if (bytes.every((b) => b >= 0x20 && b < 0x7f)) return JSON.stringify(text(bytes));
  return `bytes ${[...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ')}`;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
