/**
 * One card of Quick convert: the dropped file, what was found in it and how its conversion went.
 */
import type { BadRowPolicy, ColumnInfo } from '../core/csv/dialect';
import type { DecantError } from '../core/errors';
import type { ConvertProgress } from '../engine/client';
import type { CsvInspection, FileTableInspection, ParquetCompression } from '../engine/protocol';
import type { PreviewGrid } from '../engine/preview';
import type { DroppedFile } from '../platform/dropped-files';
import { fileKindOf, type FileKind } from './file-kinds';
import type { ConvertTarget, KeptCard } from './kept-cards';

export type EntryState =
  /** Dropped before the engine started: queued until it has. */
  | { kind: 'starting' }
  | { kind: 'inspecting' }
  | { kind: 'failed'; error: DecantError }
  | { kind: 'ready' }
  | { kind: 'queued' }
  | { kind: 'converting'; progress: ConvertProgress }
  | {
      kind: 'done';
      /** What was written: Parquet (of `codec`), or CSV (Parquet → CSV). */
      format: ConvertTarget;
      url: string;
      outName: string;
      codec: ParquetCompression;
      rows: number;
      bytes: number;
      ms: number;
      rowGroups: number;
      skipped: number;
      /** Where the file was written as it was encoded (`opfs:converted/x.parquet`); else a download. */
      savedTo?: string;
    }
  | { kind: 'cancelled' };

let nextId = 0;

/** One dropped file: what was found in it, and how its conversion went. */
export class FileEntry {
  readonly id = `${++nextId}`;
  readonly file: File;
  /** Present when the browser granted a File System Access handle (Chromium drops). */
  readonly handle?: FileSystemFileHandle;
  readonly kind: FileKind | null;
  state = $state.raw<EntryState>({ kind: 'inspecting' });
  /** CSV files only: the dialect found (JSON and Parquet have `fileTable`). */
  inspection = $state.raw<CsvInspection | null>(null);
  /** JSON and Parquet files: schema, exact count and first rows, the file read whole. */
  fileTable = $state.raw<Omit<FileTableInspection, 'preview'> | null>(null);
  /** Parquet files may become CSV; everything else becomes Parquet. */
  target = $state<ConvertTarget>('parquet');
  /** The card as kept for the next visit; null until kept (or when it could not be). */
  kept: KeptCard | null = null;
  /** Why the card will not be there after a reload, when keeping it failed. */
  keptProblem = $state.raw<string | null>(null);
  /** The last conversion before a reload (its download is gone). */
  previous = $state.raw<KeptCard['result'] | null>(null);
  preview = $state.raw<PreviewGrid | null>(null);
  /** Columns as they will be written; widened from the inspection when a later row disagrees. */
  columns = $state.raw<ColumnInfo[]>([]);
  notes = $state.raw<string[]>([]);
  badRows = $state<BadRowPolicy>('error');
  controller: AbortController | null = null;

  constructor(dropped: DroppedFile, kept?: KeptCard) {
    this.file = dropped.file;
    this.handle = dropped.handle;
    this.kind = fileKindOf(dropped.file.name);
    if (kept) {
      this.kept = kept;
      this.badRows = kept.badRows;
      this.target = kept.target;
      this.previous = kept.result ?? null;
    }
  }
}
