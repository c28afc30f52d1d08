/**
 * Exports rows (a catalog table, a query result, a job node's output) as one Parquet, CSV or
 * NDJSON file: the engine runs the SELECT and streams it to the encoder worker (as a job target
 * does). Into a folder the user picked or the browser's storage (OPFS), the encoder writes the
 * file as it encodes it (never whole in memory), under a temporary name moved into place only
 * once it is whole and checked. A download or an S3 upload is encoded into a scratch file of
 * the browser's storage when the app gives one (ExportDeps.scratchFile), else gathered in
 * memory. A cancel or a failure leaves nothing behind. To S3, the finished file goes through an
 * upload port src/app hands in (a multipart upload there, read from the file part by part,
 * aborted on cancel), so this module knows no credentials.
 */
import { DecantError } from '../core/errors';
import type { ScratchFile } from '../platform/scratch-files';
import { quotedName } from '../core/quoted-name';
import { DEFAULT_ROW_GROUP_SIZE, type TargetWriteFormat } from './nodes/target';
import { outputExtension } from './output-files';
import { freeFileName, openStreamedFile, removeStreamedFile, stageFiles } from './run/output';
import type { JobEngine, StagedFile, StreamedFile } from './run/ports';

export type ExportCompression = 'zstd' | 'snappy' | 'gzip' | 'none';

/** The file's format; Parquet's compression defaults to ZSTD. */
export type ExportFormat =
  { kind: 'parquet'; compression: ExportCompression } | { kind: 'csv' } | { kind: 'ndjson' };

/** Where the file goes. `folder` is a handle the user picked, with write permission. */
export type ExportDestination =
  | { kind: 'download' }
  | { kind: 'folder'; folder: FileSystemDirectoryHandle }
  | { kind: 'opfs' }
  /** An S3 prefix ('' or ending in `/`), sent through ExportDeps.upload. */
  | { kind: 's3'; bucket: string; prefix: string };

/**
 * Sends a whole export file to `key` in `bucket`, reporting bytes sent. Rejects with a
 * DecantError in S3's words (code 'cancelled' once `signal` aborts, nothing left behind).
 */
export type ExportUpload = (
  target: { bucket: string; key: string },
  file: Blob,
  onProgress: (bytesSent: number) => void,
  signal: AbortSignal,
) => Promise<void>;

/** The folder of the browser's storage that exports go to (crawlable as any OPFS folder). */
export const OPFS_EXPORTS_FOLDER = 'exports';

export interface ExportRequest {
  /** One SELECT statement whose rows are exported. */
  sql: string;
  /** The file's name without its extension, e.g. `sales` (unsafe characters are replaced). */
  name: string;
  /** What the rows are, for errors: `table "shop"."sales"`, `the query`, `node "Filter"`. */
  what: string;
  format: ExportFormat;
  destination: ExportDestination;
}

export interface ExportProgress {
  rows: number;
  bytesWritten: number;
  phase: 'running' | 'saving' | 'uploading';
  /** Bytes of the file sent so far, while uploading. */
  bytesSent?: number;
}

export interface ExportResult {
  rows: number;
  bytes: number;
  /** Where it went, as the dialog says it: `download sales.parquet`, `opfs:exports/sales.parquet`. */
  label: string;
  /** The file's name as saved. */
  fileName: string;
}

export interface ExportDeps {
  engine: Pick<JobEngine, 'runJobTarget'>;
  /** The top folder of the browser's storage. */
  opfsRoot(): Promise<FileSystemDirectoryHandle>;
  /** Hands a file to the browser's download. */
  download(blob: Blob, name: string): void;
  /** Uploads to S3; needed only for an `s3` destination. */
  upload?: ExportUpload;
  /**
   * A scratch file of the browser's storage (its name ending in `name`) that a download's or an
   * upload's file is encoded into, never whole in memory; null: none here (then in memory).
   * Used only with downloadScratch for downloads.
   */
  scratchFile?(name: string): Promise<ScratchFile | null>;
  /** Hands a finished scratch file to the download; it removes the file in its own time. */
  downloadScratch?(file: ScratchFile, name: string): Promise<void>;
}

/** The writer's options for an export format (CSV: comma, double quote, a header line). */
export function writeFormatOf(f: ExportFormat): TargetWriteFormat {
  if (f.kind === 'parquet')
    return { kind: 'parquet', compression: f.compression, rowGroupSize: DEFAULT_ROW_GROUP_SIZE };
  if (f.kind === 'csv')
    return { kind: 'csv', delimiter: ',', quote: '"', header: true, compression: 'none' };
  return { kind: 'ndjson', compression: 'none' };
}

/** `name` as a file name: characters file systems refuse become `_`; never empty. */
export function safeFileName(name: string): string {
  const s = name
    // eslint-disable-next-line no-control-regex -- control characters are what it replaces
    .replace(/[\u0000-\u001f\u007f"*/:<>?\\|]+/g, '_')
    .replace(/^[.\s]+|[.\s]+$/g, '');
  return s === '' ? 'export' : s.slice(0, 120);
}

/**
 * Runs the export to its end; resolves with what was written. Rejects with a DecantError:
 * code 'cancelled' once `signal` aborts (nothing written), `export: <what> cannot be read: …`
 * when the engine fails, `export: cannot write …` when the destination refuses.
 */
export async function exportRows(
  req: ExportRequest,
  deps: ExportDeps,
  onProgress: (p: ExportProgress) => void,
  signal: AbortSignal,
): Promise<ExportResult> {
  const format = writeFormatOf(req.format);
  const fileBase = safeFileName(req.name);
  const ext = outputExtension(format);
  const dest = req.destination;
  if (dest.kind === 's3' && !deps.upload)
    throw new DecantError('export: there are no S3 credentials to upload with');
  const place = dest.kind === 'download' || dest.kind === 's3' ? null : await placeOf(dest, deps);
  const fileName = place ? await freeFileName(place.root, place.folder, fileBase, ext) : '';
  const id = `export-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const scratch = place ? null : await scratchOf(dest.kind, `${fileBase}${ext}`, deps);
  let streamed: StreamedFile | undefined;
  let out;
  try {
    out = await deps.engine.runJobTarget(
      { sql: req.sql, partitionKeys: [], encoding: format.kind },
      format,
      (p) => onProgress({ rows: p.rows, bytesWritten: p.bytesWritten, phase: 'running' }),
      signal,
      place
        ? async () => (streamed = await streamInto(place, fileName, id)).handle
        : scratch
          ? async () => scratch.handle
          : undefined,
    );
  } catch (e) {
    if (streamed) await removeStreamedFile(streamed);
    await scratch?.remove();
    throw exportError(e, req.what);
  }
  if (signal.aborted) {
    if (streamed) await removeStreamedFile(streamed);
    await scratch?.remove();
    throw cancelledExport();
  }
  // One file, even for no rows (a header, or an empty Parquet file with the schema).
  const file = out.files[0];
  const blob = file?.blob ?? new Blob([]);
  const rows = out.files.reduce((n, f) => n + f.rows, 0);
  onProgress({ rows, bytesWritten: blob.size, phase: 'saving' });
  if (dest.kind === 's3') {
    try {
      return await uploadExport(blob, `${fileBase}${ext}`, rows, dest, deps, onProgress, signal);
    } finally {
      // Sent or not, the scratch file goes (a cancel aborts the upload first).
      await scratch?.remove();
    }
  }
  if (!place) {
    const name = `${fileBase}${ext}`;
    if (scratch) await deps.downloadScratch!(scratch, name);
    else deps.download(blob, name);
    return { rows, bytes: blob.size, label: `download ${name}`, fileName: name };
  }
  const files: StagedFile[] = [{ path: fileName, blob, streamedAs: streamed }];
  let staged;
  try {
    staged = await stageFiles(place.root, place.folder, files, id, place.label);
  } catch (e) {
    if (streamed) await removeStreamedFile(streamed);
    throw new DecantError(`export: ${e instanceof DecantError ? e.detail : messageOf(e)}`, {
      cause: e,
    });
  }
  if (signal.aborted) {
    await staged.discard();
    throw cancelledExport();
  }
  try {
    await staged.commit();
  } catch (e) {
    await staged.discard().catch(() => undefined);
    throw new DecantError(
      `export: cannot move ${quotedName(fileName)} into place: ${messageOf(e)}`,
      {
        cause: e,
      },
    );
  }
  return { rows, bytes: blob.size, label: `${place.label}${fileName}`, fileName };
}

/** Sends the finished file to the S3 prefix; an object of the same name is replaced, as S3 does. */
async function uploadExport(
  blob: Blob,
  fileName: string,
  rows: number,
  dest: { bucket: string; prefix: string },
  deps: ExportDeps,
  onProgress: (p: ExportProgress) => void,
  signal: AbortSignal,
): Promise<ExportResult> {
  const key = `${dest.prefix}${fileName}`;
  const progress = (bytesSent: number) =>
    onProgress({ rows, bytesWritten: blob.size, phase: 'uploading', bytesSent });
  progress(0);
  try {
    await deps.upload!({ bucket: dest.bucket, key }, blob, progress, signal);
  } catch (e) {
    if (signal.aborted || (e instanceof DecantError && e.code === 'cancelled'))
      throw cancelledExport();
    // S3's words (which permission, which region, which CORS rule) as the share dialog gives them.
    throw new DecantError(`export: ${e instanceof DecantError ? e.detail : messageOf(e)}`, {
      cause: e,
    });
  }
  return { rows, bytes: blob.size, label: `s3://${dest.bucket}/${key}`, fileName };
}

/**
 * The scratch file a download or an upload is encoded into, when the app gives them (a
 * download needs downloadScratch too); null: gathered in memory.
 */
async function scratchOf(
  kind: ExportDestination['kind'],
  name: string,
  deps: ExportDeps,
): Promise<ScratchFile | null> {
  if (!deps.scratchFile || (kind === 'download' && !deps.downloadScratch)) return null;
  return deps.scratchFile(name).catch(() => null);
}

/** A folder destination: its top folder, the folder in it, and how the dialog names it. */
interface Place {
  root: FileSystemDirectoryHandle;
  folder: string;
  label: string;
}

async function placeOf(
  dest: Extract<ExportDestination, { kind: 'folder' | 'opfs' }>,
  deps: ExportDeps,
): Promise<Place> {
  try {
    const root = dest.kind === 'opfs' ? await deps.opfsRoot() : dest.folder;
    return dest.kind === 'opfs'
      ? { root, folder: OPFS_EXPORTS_FOLDER, label: `opfs:${OPFS_EXPORTS_FOLDER}/` }
      : { root, folder: '', label: `folder:${root.name}/` };
  } catch (e) {
    throw new DecantError(`export: cannot open the browser's storage: ${messageOf(e)}`, {
      cause: e,
    });
  }
}

/** The temporary file the encoder writes the export into, beside where it will be. */
async function streamInto(place: Place, fileName: string, id: string): Promise<StreamedFile> {
  try {
    return await openStreamedFile(place.root, place.folder, fileName, id, fileName);
  } catch (e) {
    throw new DecantError(`export: cannot write into ${place.label}: ${messageOf(e)}`, {
      cause: e,
    });
  }
}

export function cancelledExport(): DecantError {
  return new DecantError('export: cancelled', { code: 'cancelled' });
}

/** An engine error in the export's words, naming what was being read. */
function exportError(e: unknown, what: string): DecantError {
  if (e instanceof DecantError && e.code === 'cancelled') return cancelledExport();
  if (e instanceof DecantError && e.message.startsWith('export: ')) return e;
  const detail = e instanceof DecantError ? e.detail : messageOf(e);
  return new DecantError(`export: ${what} cannot be read: ${detail}`, {
    cause: e,
    ...(e instanceof DecantError
      ? { line: e.line, column: e.column, sql: e.sql, code: e.code }
      : {}),
  });
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
