// Over 400 lines: the one state class of the Quick convert screen, whose queue (one conversion at
// a time), kept cards and outputs share each card's life cycle; split, each part would need them all.
import type { BadRowPolicy } from '../core/csv/dialect';
import { DecantError } from '../core/errors';
import { parquetNameFromFileName } from '../core/format';
import { widenOnCastError } from '../core/csv/widen-column';
import type { EngineClient } from '../engine/client';
import type { ParquetCompression } from '../engine/protocol';
import { gridFromIpc } from '../engine/preview';
import type { DroppedFile } from '../platform/dropped-files';
import { downloadUrl } from '../platform/download';
import { createScratchFile, downloadGraceMs, type ScratchFile } from '../platform/scratch-files';
import { writeStreamed } from '../jobs';
import { FileEntry } from './file-entry.svelte';
import { outNameOf } from './file-kinds';
import type { CardShelf, ConvertTarget, KeptCard } from './kept-cards';

export { FileEntry, type EntryState } from './file-entry.svelte';

/** A card's Parquet output, for Add to catalog. */
export interface ConvertedParquet {
  blob: Blob;
  name: string;
  rows: number;
  codec: ParquetCompression;
}
export { fileKindOf, outNameOf, type FileKind } from './file-kinds';

/**
 * Where outputs go: a download, the browser's storage (OPFS, folder `converted/`) or a folder the
 * user picked; each written as it is encoded (a download into a scratch file, in memory only
 * where this browser has no OPFS), so files larger than memory convert.
 */
export type ConvertDestination = 'download' | 'opfs' | 'folder';

/** The folder of the browser's storage that Quick convert writes into. */
export const OPFS_CONVERTED_FOLDER = 'converted';

type PickableWindow = {
  showDirectoryPicker?: (o: { mode: 'readwrite' }) => Promise<FileSystemDirectoryHandle>;
};

/** The Quick convert screen's state: files in, Parquet out, one file at a time. */
export class QuickConvert {
  entries = $state.raw<FileEntry[]>([]);
  compression = $state<ParquetCompression>('zstd');
  /** Download each file as soon as it is converted. */
  autoDownload = $state(true);
  destination = $state<ConvertDestination>('download');
  /** The folder picked for destination 'folder'. */
  folder = $state.raw<FileSystemDirectoryHandle | null>(null);
  /** Whether this browser can write into a folder the user picks. */
  readonly canPickFolder = typeof (globalThis as PickableWindow).showDirectoryPicker === 'function';
  busy = $state(false);
  /** Kept cards that could not be read back (their copy is gone), for a notice. */
  lost = $state.raw<string[]>([]);
  private engine: EngineClient;
  private shelf: CardShelf | null;
  /** A card kept while the kept ones are listed would come back twice: keeping waits for this. */
  private restoring: Promise<void> = Promise.resolve();
  /** Files dropped before this are queued, their cards saying the engine is starting. */
  private engineStarted = false;
  /** Each card's last download, on disk: its link reads it; removed with the card or a newer one. */
  private downloads = new WeakMap<FileEntry, ScratchFile>();

  /** Without a shelf, cards last until the page closes. */
  constructor(engine: EngineClient, shelf: CardShelf | null = null) {
    this.engine = engine;
    this.shelf = shelf;
    // A failed start lands on each card, from register().
    engine.ready.then(
      () => (this.engineStarted = true),
      () => undefined,
    );
  }

  /** Asks for a folder to write into (call from a click); false when the user backed out. */
  async pickFolder(): Promise<boolean> {
    const pick = (globalThis as PickableWindow).showDirectoryPicker;
    if (!pick) return false;
    try {
      this.folder = await pick({ mode: 'readwrite' });
      this.destination = 'folder';
      return true;
    } catch {
      return false; // Dismissed.
    }
  }

  /**
   * Runs `write` (a conversion) into the chosen destination: for the browser's storage or a
   * folder, into a temporary file the encoder writes as it goes, moved to `outName` (or
   * `name-2.ext`…) once whole; a download into a scratch file of `e`'s (see `downloads`),
   * or memory without OPFS. Resolves with the output to link to.
   */
  private async written<T>(
    e: FileEntry,
    outName: string,
    write: (sink?: FileSystemFileHandle) => Promise<T>,
    blobOf: (r: T) => Blob,
  ): Promise<{ result: T; file: Blob; name: string; savedTo?: string }> {
    const dest = this.destination;
    if (dest === 'download') {
      // Not gathered in the encoder's memory: for an 11M-row CSV that held the whole 165 MB
      // Parquet in the tab, and as much again in the browser's blob store.
      const scratch = await createScratchFile(outName);
      if (!scratch) {
        const result = await write();
        return { result, file: blobOf(result), name: outName };
      }
      let result: T;
      try {
        result = await write(scratch.handle);
      } catch (err) {
        await scratch.remove();
        // No room on disk: the download is made in memory instead, as without OPFS.
        if (!(err instanceof DecantError && err.code === 'storage-full')) throw err;
        const inMemory = await write();
        return { result: inMemory, file: blobOf(inMemory), name: outName };
      }
      const file = blobOf(result);
      this.dropDownload(e, file.size);
      this.downloads.set(e, scratch);
      return { result, file, name: outName };
    }
    const dot = outName.lastIndexOf('.');
    const [base, ext] = dot > 0 ? [outName.slice(0, dot), outName.slice(dot)] : [outName, ''];
    let root: FileSystemDirectoryHandle;
    if (dest === 'folder') {
      if (!this.folder) throw new DecantError('convert: pick the folder to write into first');
      root = this.folder;
    } else root = await navigator.storage.getDirectory();
    const folder = dest === 'opfs' ? OPFS_CONVERTED_FOLDER : '';
    const out = await writeStreamed(root, folder, base, ext, write);
    const place = dest === 'opfs' ? `opfs:${OPFS_CONVERTED_FOLDER}/` : `folder:${root.name}/`;
    return { result: out.result, file: out.file, name: out.name, savedTo: place + out.name };
  }

  /** Adds files and inspects each; never throws: every problem lands on its entry. */
  async add(files: Iterable<DroppedFile>): Promise<void> {
    const added = [...files].map((f) => new FileEntry(f));
    this.entries = [...this.entries, ...added];
    await Promise.all(added.map((e) => Promise.all([this.register(e), this.keep(e)])));
  }

  /** Brings back the cards kept before a reload, each read again from its copy. */
  restore(): Promise<void> {
    this.restoring = this.restoreKept();
    return this.restoring;
  }

  private async restoreKept(): Promise<void> {
    if (!this.shelf) return;
    let kept: Awaited<ReturnType<CardShelf['list']>>;
    try {
      kept = await this.shelf.list();
    } catch {
      return; // No storage: the storage banner says why; the page works without kept cards.
    }
    const known = this.entries.map((e) => e.kept?.id);
    const back: FileEntry[] = [];
    const lost: string[] = [];
    for (const { card, file } of kept) {
      if (known.includes(card.id)) continue;
      if (file) back.push(new FileEntry({ file }, card));
      else {
        lost.push(card.name);
        void this.shelf.remove(card).catch(() => undefined);
      }
    }
    this.lost = lost;
    this.entries = [...back, ...this.entries];
    await Promise.all(back.map((e) => this.register(e)));
  }

  /** Keeps a copy of the file and its card; a failure is said on the card, nothing else. */
  private async keep(e: FileEntry): Promise<void> {
    if (!this.shelf || !e.kind) return;
    await this.restoring;
    const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    const card: KeptCard = {
      id,
      name: e.file.name,
      size: e.file.size,
      lastModified: e.file.lastModified,
      addedAt: Date.now(),
      copy: `${id}-${e.file.name.replace(/[^\w.-]+/g, '_')}`,
      badRows: e.badRows,
      target: e.target,
    };
    try {
      await this.shelf.keep(card, e.file);
      // Removed while it was being copied: the copy goes too.
      if (!this.entries.includes(e)) return void (await this.shelf.remove(card));
      e.kept = card;
      await this.saveCard(e);
    } catch (err) {
      e.keptProblem = `Not kept for the next visit: ${asDecantError(err).message}`;
    }
  }

  /** Saves the card's options, what was found and the last result; failures are said on it. */
  private async saveCard(e: FileEntry, result?: KeptCard['result']): Promise<void> {
    if (!this.shelf || !e.kept) return;
    const found = e.inspection ?? e.fileTable;
    const card: KeptCard = {
      ...e.kept,
      badRows: e.badRows,
      target: e.target,
      summary: found
        ? { columns: [...e.columns], rowCount: found.rowCount, notes: [...e.notes] }
        : e.kept.summary,
      result: result ?? e.kept.result,
    };
    try {
      await this.shelf.update($state.snapshot(card) as KeptCard);
      e.kept = card;
    } catch (err) {
      e.keptProblem = `Not saved for the next visit: ${asDecantError(err).message}`;
    }
  }

  /** Parquet → CSV or Parquet; other files always become Parquet. */
  async setTarget(e: FileEntry, target: ConvertTarget): Promise<void> {
    e.target = e.kind === 'parquet' ? target : 'parquet';
    await this.saveCard(e);
  }

  private async register(e: FileEntry): Promise<void> {
    if (!e.kind) {
      e.state = {
        kind: 'failed',
        error: new DecantError(
          `convert: "${e.file.name}" is not a file Quick convert reads by its name: it reads ` +
            '.csv, .tsv, .txt (optionally .gz), .json, .ndjson, .jsonl and .parquet',
          { code: 'binary' },
        ),
      };
      return;
    }
    try {
      if (!this.engineStarted) {
        e.state = { kind: 'starting' };
        await this.engine.ready;
        e.state = { kind: 'inspecting' };
      }
      await this.engine.addFile(e.id, e.file);
      await this.inspect(e);
    } catch (err) {
      e.state = { kind: 'failed', error: asDecantError(err) };
    }
  }

  /** (Re)reads a file's dialect and preview, e.g. after the user picked a bad-row policy. */
  async inspect(e: FileEntry): Promise<void> {
    if (e.kind === 'json' || e.kind === 'parquet') return this.load(e, e.kind);
    e.state = { kind: 'inspecting' };
    try {
      const found = await this.engine.inspect(e.id, { badRows: e.badRows });
      e.inspection = found;
      e.columns = found.columns;
      e.notes = found.notes;
      e.preview = gridFromIpc(found.preview);
      e.state = { kind: 'ready' };
      await this.saveCard(e);
    } catch (err) {
      e.state = { kind: 'failed', error: asDecantError(err) };
    }
  }

  /** Reads a JSON or Parquet file whole in the engine: its schema, count and first rows. */
  private async load(e: FileEntry, kind: 'json' | 'parquet'): Promise<void> {
    e.state = { kind: 'inspecting' };
    try {
      const { preview, ...found } = await this.engine.loadFileTable(e.id, kind);
      e.fileTable = found;
      e.columns = found.columns;
      e.notes = found.notes;
      e.preview = gridFromIpc(preview);
      e.state = { kind: 'ready' };
      await this.saveCard(e);
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
    if (e.kind === 'json' || e.kind === 'parquet') return this.convertFileTable(e);
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
          const written = await this.written(
            e,
            parquetNameFromFileName(e.file.name),
            (sink) =>
              this.engine.convert(
                { fileId: e.id, dialect: found.dialect, columns: e.columns, badRows: e.badRows },
                { compression: codec },
                (progress) => {
                  if (e.state.kind === 'converting') e.state = { kind: 'converting', progress };
                },
                controller.signal,
                sink,
              ),
            (r) => r.encode.blob,
          );
          const out = written.result;
          const outName = written.name;
          const url = URL.createObjectURL(written.file);
          e.state = {
            kind: 'done',
            format: 'parquet',
            url,
            outName,
            codec,
            rows: out.scan.rowsRead,
            bytes: written.file.size,
            ms: performance.now() - started,
            rowGroups: out.encode.rowGroups,
            skipped: out.scan.rowsSkipped,
            savedTo: written.savedTo,
          };
          if (this.autoDownload && !written.savedTo) downloadUrl(url, outName);
          await this.saveDone(e);
          return;
        } catch (err) {
          const error = asDecantError(err);
          const widened = error.code === 'cast' && widenColumn(e, error);
          if (!widened || attempt >= e.columns.length) throw error;
        }
      }
    } catch (err) {
      this.failed(e, err);
    } finally {
      this.released(e);
    }
  }

  /** A JSON or Parquet file, read by `load`, streamed to the encoder as Parquet or CSV. */
  private async convertFileTable(e: FileEntry): Promise<void> {
    const found = e.fileTable;
    if (!found || this.busy) {
      if (found && this.busy) e.state = { kind: 'queued' };
      return;
    }
    this.busy = true;
    const controller = new AbortController();
    e.controller = controller;
    const started = performance.now();
    const target = e.kind === 'parquet' ? e.target : 'parquet';
    const codec = this.compression;
    e.state = {
      kind: 'converting',
      progress: { bytesRead: 0, bytesTotal: 0, rowsRead: 0, rowsWritten: 0, bytesWritten: 0 },
    };
    try {
      const written = await this.written(
        e,
        outNameOf(e.file.name, target),
        (sink) =>
          this.engine.convertFileTable(
            e.id,
            target === 'csv'
              ? { kind: 'csv', delimiter: ',', quote: '"', header: true, compression: 'none' }
              : { kind: 'parquet', compression: codec },
            (progress) => {
              if (e.state.kind === 'converting') e.state = { kind: 'converting', progress };
            },
            controller.signal,
            sink,
          ),
        (r) => r.blob,
      );
      const out = written.result;
      const outName = written.name;
      const url = URL.createObjectURL(written.file);
      e.state = {
        kind: 'done',
        format: target,
        url,
        outName,
        codec: target === 'csv' ? 'none' : codec,
        rows: out.rowsWritten,
        bytes: written.file.size,
        ms: performance.now() - started,
        rowGroups: out.rowGroups ?? 0,
        skipped: 0,
        savedTo: written.savedTo,
      };
      if (this.autoDownload && !written.savedTo) downloadUrl(url, outName);
      await this.saveDone(e);
    } catch (err) {
      this.failed(e, err);
    } finally {
      this.released(e);
    }
  }

  /**
   * The card's Parquet output, converting it first (progress on the card) when it has none.
   * Rejects with a `catalog:` DecantError when the conversion fails or is cancelled, or when
   * another file is being converted (one conversion at a time).
   */
  async parquetOf(e: FileEntry): Promise<ConvertedParquet> {
    if (e.state.kind !== 'done' || e.state.format !== 'parquet') {
      if (this.busy || e.state.kind === 'converting')
        throw new DecantError(
          'catalog: a file is being converted: add this one once that conversion is done',
        );
      await this.convert(e);
    }
    const s = e.state;
    if (s.kind === 'cancelled')
      throw new DecantError('catalog: the conversion was cancelled; nothing was added', {
        code: 'cancelled',
      });
    if (s.kind === 'failed')
      throw new DecantError(
        `catalog: the conversion failed, so nothing was added: ${s.error.message}`,
      );
    if (s.kind !== 'done' || s.format !== 'parquet')
      throw new DecantError(`catalog: "${e.file.name}" was not converted to Parquet`);
    // The output lives behind its object URL (the card's download link): read it back as a Blob.
    const blob = await (await fetch(s.url)).blob();
    return { blob, name: s.outName, rows: s.rows, codec: s.codec };
  }

  /** A conversion that threw: cancelled, or failed with why. */
  private failed(e: FileEntry, err: unknown): void {
    const error = asDecantError(err);
    e.state = error.code === 'cancelled' ? { kind: 'cancelled' } : { kind: 'failed', error };
  }

  /** A conversion over, however it ended: the next queued file starts. */
  private released(e: FileEntry): void {
    e.controller = null;
    this.busy = false;
    const next = this.entries.find((x) => x.state.kind === 'queued');
    if (next) void this.convert(next);
  }

  private async saveDone(e: FileEntry): Promise<void> {
    const s = e.state;
    if (s.kind !== 'done') return;
    e.previous = null;
    await this.saveCard(e, {
      target: s.format,
      codec: s.codec,
      rows: s.rows,
      bytes: s.bytes,
      at: Date.now(),
    });
  }

  cancel(e: FileEntry): void {
    if (e.state.kind === 'queued') e.state = { kind: 'cancelled' };
    e.controller?.abort();
  }

  async remove(e: FileEntry): Promise<void> {
    this.cancel(e);
    if (e.state.kind === 'done') {
      URL.revokeObjectURL(e.state.url);
      this.dropDownload(e, e.state.bytes);
    }
    this.entries = this.entries.filter((x) => x !== e);
    if (e.kind === 'json' || e.kind === 'parquet')
      await this.engine.dropFileTable(e.id).catch(() => undefined);
    await this.engine.removeFile(e.id).catch(() => undefined);
    // The copy kept for the next visit goes with the card.
    if (e.kept && this.shelf) await this.shelf.remove(e.kept).catch(() => undefined);
  }

  /**
   * Removes `e`'s download file, once a download of it (`bytes`) started just now would be over:
   * removing the file under a download in progress cancels it.
   */
  private dropDownload(e: FileEntry, bytes: number): void {
    const scratch = this.downloads.get(e);
    if (!scratch) return;
    this.downloads.delete(e);
    setTimeout(() => void scratch.remove(), downloadGraceMs(bytes));
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
