/**
 * Exports rows (a catalog table, a query result, a job node's output) as one Parquet, CSV or
 * NDJSON file: the engine runs the SELECT and streams it to the encoder worker (as a job target
 * does), then the file goes to a download, a folder the user picked, or the browser's storage
 * (OPFS), written under a temporary name and moved into place only once it is whole. A cancel
 * or a failure leaves nothing behind.
 */
import { DecantError } from '../core/errors';
import { quotedName } from '../core/quoted-name';
import { DEFAULT_ROW_GROUP_SIZE, type TargetWriteFormat } from './nodes/target';
import { outputExtension } from './output-files';
import { stageFiles } from './run/output';
import type { JobEngine, StagedFile } from './run/ports';

export type ExportCompression = 'zstd' | 'snappy' | 'gzip' | 'none';

/** The file's format; Parquet's compression defaults to ZSTD. */
export type ExportFormat =
  { kind: 'parquet'; compression: ExportCompression } | { kind: 'csv' } | { kind: 'ndjson' };

/** Where the file goes. `folder` is a handle the user picked, with write permission. */
export type ExportDestination =
  { kind: 'download' } | { kind: 'folder'; folder: FileSystemDirectoryHandle } | { kind: 'opfs' };

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
  phase: 'running' | 'saving';
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
  let out;
  try {
    out = await deps.engine.runJobTarget(
      { sql: req.sql, partitionKeys: [], encoding: format.kind },
      format,
      (p) => onProgress({ rows: p.rows, bytesWritten: p.bytesWritten, phase: 'running' }),
      signal,
    );
  } catch (e) {
    throw exportError(e, req.what);
  }
  if (signal.aborted) throw cancelledExport();
  // One file, even for no rows (a header, or an empty Parquet file with the schema).
  const file = out.files[0];
  const blob = file?.blob ?? new Blob([]);
  const rows = out.files.reduce((n, f) => n + f.rows, 0);
  onProgress({ rows, bytesWritten: blob.size, phase: 'saving' });
  const ext = outputExtension(format);
  const dest = req.destination;
  if (dest.kind === 'download') {
    const fileName = `${fileBase}${ext}`;
    deps.download(blob, fileName);
    return { rows, bytes: blob.size, label: `download ${fileName}`, fileName };
  }
  let root: FileSystemDirectoryHandle;
  let folder: string;
  let place: string;
  try {
    root = dest.kind === 'opfs' ? await deps.opfsRoot() : dest.folder;
    folder = dest.kind === 'opfs' ? OPFS_EXPORTS_FOLDER : '';
    place = dest.kind === 'opfs' ? `opfs:${OPFS_EXPORTS_FOLDER}/` : `folder:${root.name}/`;
  } catch (e) {
    throw new DecantError(`export: cannot open the browser's storage: ${messageOf(e)}`, {
      cause: e,
    });
  }
  const fileName = await freeName(root, folder, fileBase, ext);
  const files: StagedFile[] = [{ path: fileName, blob }];
  const id = `export-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  let staged;
  try {
    staged = await stageFiles(root, folder, files, id, place);
  } catch (e) {
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
  return { rows, bytes: blob.size, label: `${place}${fileName}`, fileName };
}

/** `base + ext`, or `base-2 + ext`… : the first name not taken in `folder` under `root`. */
async function freeName(
  root: FileSystemDirectoryHandle,
  folder: string,
  base: string,
  ext: string,
): Promise<string> {
  let dir: FileSystemDirectoryHandle;
  try {
    dir = folder === '' ? root : await root.getDirectoryHandle(folder);
  } catch {
    return `${base}${ext}`; // The folder is not there yet: every name is free.
  }
  for (let i = 1; ; i++) {
    const name = i === 1 ? `${base}${ext}` : `${base}-${i}${ext}`;
    const taken = await dir.getFileHandle(name).then(
      () => true,
      () =>
        dir.getDirectoryHandle(name).then(
          () => true,
          () => false,
        ),
    );
    if (!taken) return name;
  }
}

export function cancelledExport(): DecantError {
  return new DecantError('export: cancelled', { code: 'cancelled' });
}

/** An engine error in the export's words, naming what was being read. */
function exportError(e: unknown, what: string): DecantError {
  if (e instanceof DecantError && e.code === 'cancelled') return cancelledExport();
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
