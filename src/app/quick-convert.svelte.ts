import type { BadRowPolicy, ColumnInfo } from '../core/csv/dialect';
import { DecantError } from '../core/errors';
import { parquetNameFromFileName } from '../core/format';
import { widenOnCastError } from '../core/csv/widen-column';
import type { ConvertProgress, EngineClient } from '../engine/client';
import type { CsvInspection, ParquetCompression } from '../engine/protocol';
import { gridFromIpc, type PreviewGrid } from '../engine/preview';
import type { DroppedFile } from '../platform/dropped-files';
import { downloadUrl } from '../platform/download';

/** Extensions Quick convert reads; anything else is refused with a reason before the engine sees it. */
const TEXT_FILE = /\.(csv|tsv|txt|tab|psv|dat)(\.gz|\.gzip)?$/i;

export type EntryState =
  | { kind: 'inspecting' }
  | { kind: 'failed'; error: DecantError }
  | { kind: 'ready' }
  | { kind: 'queued' }
  | { kind: 'converting'; progress: ConvertProgress }
  | {
      kind: 'done';
      url: string;
      outName: string;
      codec: ParquetCompression;
      rows: number;
      bytes: number;
      ms: number;
      rowGroups: number;
      skipped: number;
    }
  | { kind: 'cancelled' };

let nextId = 0;

/** One dropped file: what was found in it, and how its conversion went. */
export class FileEntry {
  readonly id = `${++nextId}`;
  readonly file: File;
  /** Present when the browser granted a File System Access handle (Chromium drops). */
  readonly handle?: FileSystemFileHandle;
  state = $state.raw<EntryState>({ kind: 'inspecting' });
  inspection = $state.raw<CsvInspection | null>(null);
  preview = $state.raw<PreviewGrid | null>(null);
  /** Columns as they will be written; widened from the inspection when a later row disagrees. */
  columns = $state.raw<ColumnInfo[]>([]);
  notes = $state.raw<string[]>([]);
  badRows = $state<BadRowPolicy>('error');
  controller: AbortController | null = null;

  constructor(dropped: DroppedFile) {
    this.file = dropped.file;
    this.handle = dropped.handle;
  }
}

/** The Quick convert screen's state: files in, Parquet out, one file at a time. */
export class QuickConvert {
  entries = $state.raw<FileEntry[]>([]);
  compression = $state<ParquetCompression>('zstd');
  /** Download each file as soon as it is converted. */
  autoDownload = $state(true);
  busy = $state(false);
  private engine: EngineClient;

  constructor(engine: EngineClient) {
    this.engine = engine;
  }

  /** Adds files and inspects each; never throws: every problem lands on its entry. */
  async add(files: Iterable<DroppedFile>): Promise<void> {
    const added = [...files].map((f) => new FileEntry(f));
    this.entries = [...this.entries, ...added];
    await Promise.all(added.map((e) => this.register(e)));
  }

  private async register(e: FileEntry): Promise<void> {
    if (!TEXT_FILE.test(e.file.name)) {
      e.state = {
        kind: 'failed',
        error: new DecantError(
          `csv: "${e.file.name}" is not a delimited text file by its name; Quick convert reads ` +
            '.csv, .tsv, .txt (optionally .gz)',
          { code: 'binary' },
        ),
      };
      return;
    }
    try {
      await this.engine.addFile(e.id, e.file);
      await this.inspect(e);
    } catch (err) {
      e.state = { kind: 'failed', error: asDecantError(err) };
    }
  }

  /** (Re)reads a file's dialect and preview, e.g. after the user picked a bad-row policy. */
  async inspect(e: FileEntry): Promise<void> {
    e.state = { kind: 'inspecting' };
    try {
      const found = await this.engine.inspect(e.id, { badRows: e.badRows });
      e.inspection = found;
      e.columns = found.columns;
      e.notes = found.notes;
      e.preview = gridFromIpc(found.preview);
      e.state = { kind: 'ready' };
    } catch (err) {
      e.state = { kind: 'failed', error: asDecantError(err) };
    }
  }

  async setBadRows(e: FileEntry, policy: BadRowPolicy): Promise<void> {
    e.badRows = policy;
    await this.inspect(e);
  }

  /** Converts every ready file, one after another. */
  async convertAll(): Promise<void> {
    const todo = this.entries.filter(
      (e) => e.state.kind === 'ready' || e.state.kind === 'cancelled',
    );
    for (const e of todo) e.state = { kind: 'queued' };
    for (const e of todo) if (e.state.kind === 'queued') await this.convert(e);
  }

  /**
   * Converts one file. When a row past the sample does not fit a column's detected type, the
   * column is read as text instead and the conversion starts again, with a note saying where.
   */
  async convert(e: FileEntry): Promise<void> {
    const found = e.inspection;
    if (!found || this.busy) {
      if (found && this.busy) e.state = { kind: 'queued' };
      return;
    }
    this.busy = true;
    const controller = new AbortController();
    e.controller = controller;
    const started = performance.now();
    try {
      for (let attempt = 0; ; attempt++) {
        e.state = {
          kind: 'converting',
          progress: {
            bytesRead: 0,
            bytesTotal: found.sizeBytes,
            rowsRead: 0,
            rowsWritten: 0,
            bytesWritten: 0,
          },
        };
        try {
          const codec = this.compression;
          const out = await this.engine.convert(
            { fileId: e.id, dialect: found.dialect, columns: e.columns, badRows: e.badRows },
            { compression: codec },
            (progress) => {
              if (e.state.kind === 'converting') e.state = { kind: 'converting', progress };
            },
            controller.signal,
          );
          const outName = parquetNameFromFileName(e.file.name);
          const url = URL.createObjectURL(out.encode.blob);
          e.state = {
            kind: 'done',
            url,
            outName,
            codec,
            rows: out.scan.rowsRead,
            bytes: out.encode.blob.size,
            ms: performance.now() - started,
            rowGroups: out.encode.rowGroups,
            skipped: out.scan.rowsSkipped,
          };
          if (this.autoDownload) downloadUrl(url, outName);
          return;
        } catch (err) {
          const error = asDecantError(err);
          const widened = error.code === 'cast' && widenColumn(e, error);
          if (!widened || attempt >= e.columns.length) throw error;
        }
      }
    } catch (err) {
      const error = asDecantError(err);
      e.state = error.code === 'cancelled' ? { kind: 'cancelled' } : { kind: 'failed', error };
    } finally {
      e.controller = null;
      this.busy = false;
      const next = this.entries.find((x) => x.state.kind === 'queued');
      if (next) void this.convert(next);
    }
  }

  cancel(e: FileEntry): void {
    if (e.state.kind === 'queued') e.state = { kind: 'cancelled' };
    e.controller?.abort();
  }

  async remove(e: FileEntry): Promise<void> {
    this.cancel(e);
    if (e.state.kind === 'done') URL.revokeObjectURL(e.state.url);
    this.entries = this.entries.filter((x) => x !== e);
    await this.engine.removeFile(e.id).catch(() => undefined);
  }
}

/** Reads `error.column` as VARCHAR from now on; false when that cannot help. */
function widenColumn(e: FileEntry, error: DecantError): boolean {
  const widened = widenOnCastError(e.columns, error);
  if (!widened) return false;
  e.columns = widened.columns;
  e.notes = [...e.notes, widened.note];
  return true;
}

function asDecantError(err: unknown): DecantError {
  return err instanceof DecantError
    ? err
    : new DecantError(err instanceof Error ? err.message : String(err), { cause: err });
}
