/**
 * "Export data…" and "Materialize as Parquet": thin rune state over src/jobs' export and
 * materialize services. What is exported is always a SELECT the engine runs again (a table's
 * view, a query's text, a job node's SQL), never rows decoded here.
 */
import type { CatalogTable } from '../catalog';
import { DecantError } from '../core/errors';
import { quoteIdent } from '../core/sql/quote';
import type { EngineClient } from '../engine/client';
import {
  exportRows,
  JobError,
  materializeTable,
  nodeLabel,
  nodeSql,
  type CompileContext,
  type ExportCompression,
  type ExportResult,
  type Job,
  type KeptParquet,
  type NodeId,
} from '../jobs';
import { downloadBlob } from '../platform/download';
import { createScratchFile, downloadScratchFile } from '../platform/scratch-files';
import {
  browserStorageRoot,
  canPickFolder,
  pickWritableFolder,
} from '../platform/writable-folders';
import { s3DestinationFrom } from '../share';
import type { CatalogState } from './catalog.svelte';
import type { CredentialsState } from './credentials.svelte';
import { jobCatalogOf } from './job-catalog';
import { s3ExportUpload } from './s3-export';
import { partSizeFromSearch } from './share.svelte';

/** What the dialog exports. */
export type ExportSubject =
  | { kind: 'table'; table: CatalogTable }
  /** A query result: the statement that made it, run again. */
  | { kind: 'query'; sql: string }
  /** A job node's whole output (not the preview's sample). */
  | { kind: 'node'; job: Job; nodeId: NodeId; context: CompileContext };

export type ExportFormatKind = 'parquet' | 'csv' | 'ndjson';
export type PlaceKind = 'download' | 'folder' | 'opfs' | 's3';

export interface ExportDeps {
  engine: EngineClient;
  catalog: CatalogState;
  /** The pasted S3 credentials the share dialog uses too; needed for the `s3` place. */
  credentials?: CredentialsState;
}

/** Rows and bytes written so far, for the progress line; `sent` while uploading. */
export interface WorkProgress {
  rows: number;
  bytes: number;
  sent?: number;
}

/** Why a folder cannot be picked here, or '' when it can. */
export const folderPickerProblem = (): string =>
  canPickFolder()
    ? ''
    : 'This browser cannot write into a folder you pick (Chromium-based browsers can): save a download or keep it in the browser instead.';

/** A picked folder, shared by both forms. */
class FolderChoice {
  folder = $state.raw<FileSystemDirectoryHandle | null>(null);
  readonly problem = folderPickerProblem();

  /** Asks for a folder (call from a click); keeps the last one when the picker is closed. */
  async pick(): Promise<void> {
    const f = await pickWritableFolder();
    if (f) this.folder = f;
  }
}

/** One "Export data…" dialog: its choices, the run's progress, and its outcome. */
export class ExportRun {
  format = $state<ExportFormatKind>('parquet');
  compression = $state<ExportCompression>('zstd');
  place = $state<PlaceKind>('download');
  name = $state('');
  /** The `s3://bucket/prefix/` to upload to; empty: the credentials' own bucket and prefix. */
  s3Url = $state('');
  readonly folder = new FolderChoice();
  running = $state(false);
  progress = $state.raw<WorkProgress | null>(null);
  result = $state.raw<ExportResult | null>(null);
  problem = $state('');
  private controller: AbortController | null = null;

  constructor(
    readonly subject: ExportSubject,
    private readonly deps: ExportDeps,
  ) {
    this.name = defaultName(subject);
  }

  /** What is being exported, in words (the dialog's title). */
  get what(): string {
    return whatOf(this.subject);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.problem = '';
    this.result = null;
    if (this.place === 'folder' && !this.folder.folder) {
      this.problem = 'export: pick a folder to write into first';
      return;
    }
    let s3;
    try {
      s3 = this.place === 's3' ? this.s3Place() : null;
    } catch (e) {
      this.problem = e instanceof DecantError ? e.message : String(e);
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    this.running = true;
    this.progress = { rows: 0, bytes: 0 };
    try {
      const sql = await this.sqlOf();
      this.result = await exportRows(
        {
          sql,
          name: this.name.trim() || defaultName(this.subject),
          what: this.what,
          format:
            this.format === 'parquet'
              ? { kind: 'parquet', compression: this.compression }
              : { kind: this.format },
          destination: s3
            ? { kind: 's3', bucket: s3.bucket, prefix: s3.prefix }
            : this.place === 'folder'
              ? { kind: 'folder', folder: this.folder.folder! }
              : { kind: this.place as 'download' | 'opfs' },
        },
        {
          engine: this.deps.engine,
          opfsRoot: browserStorageRoot,
          download: downloadBlob,
          // Downloads and uploads are encoded into a scratch file, never whole in memory.
          scratchFile: createScratchFile,
          downloadScratch: downloadScratchFile,
          ...(s3 ? { upload: s3.upload } : {}),
        },
        (p) =>
          (this.progress = {
            rows: p.rows,
            bytes: p.bytesWritten,
            ...(p.bytesSent !== undefined ? { sent: p.bytesSent } : {}),
          }),
        controller.signal,
      );
    } catch (e) {
      const err = e instanceof DecantError ? e : new DecantError(`export: ${String(e)}`);
      this.problem = err.code === 'cancelled' ? 'Cancelled: nothing was written.' : err.message;
    } finally {
      this.running = false;
      this.controller = null;
    }
  }

  /** The `s3://` URL the export goes to unless the user types another. */
  get s3Default(): string {
    const a = this.deps.credentials?.access;
    return a ? `s3://${a.bucket}/${a.prefix}` : '';
  }

  /** The S3 bucket and prefix, and the upload port signing with the credentials held. */
  private s3Place() {
    const access = this.deps.credentials?.access;
    if (!access) throw new DecantError('export: give S3 credentials first (below), then export');
    let dest;
    try {
      dest = s3DestinationFrom(this.s3Url.trim() || this.s3Default);
    } catch (e) {
      throw new DecantError(`export: ${(e as DecantError).detail}`);
    }
    // The share dialog's test hook `?s3PartSize=` applies here too (a test server takes small parts).
    const part = typeof location === 'undefined' ? undefined : partSizeFromSearch(location.search);
    const opts = part ? { partSize: part, minPartSize: part } : {};
    return { ...dest, upload: s3ExportUpload(access, undefined, opts) };
  }

  /** Stops the engine's work (or the upload, which is aborted); nothing is written. */
  cancel(): void {
    this.controller?.abort();
  }

  /** The SELECT to run, with every table it reads served in the engine. */
  private async sqlOf(): Promise<string> {
    const s = this.subject;
    const cat = this.deps.catalog;
    if (s.kind === 'table') {
      const a = await cat.attach(s.table);
      if (a.kind !== 'attached')
        throw new DecantError(`export: ${this.what} cannot be read now: ${a.message}`);
      return `SELECT * FROM ${quoteIdent(s.table.database)}.${quoteIdent(s.table.name)}`;
    }
    if (s.kind === 'query') {
      if (cat.ready) await cat.attachAll();
      // The engine reads it as a subquery: a trailing `;` would end it early.
      const sql = s.sql.trim().replace(/;\s*$/, '');
      if (sql === '') throw new DecantError('export: there is no query to export');
      return sql;
    }
    for (const n of s.job.nodes) {
      if (n.kind !== 'catalog-source') continue;
      const t = cat.table(n.options.database, n.options.table);
      if (t) await cat.attach(t);
    }
    try {
      return nodeSql(s.job, s.nodeId, s.context);
    } catch (e) {
      if (e instanceof JobError)
        throw new DecantError(
          `export: ${this.what} cannot be exported: ${e.issues[0]?.message ?? e.message}`,
        );
      throw e;
    }
  }
}

/** "Materialize as Parquet" on a CSV or JSON table's page. */
export class MaterializeRun {
  place = $state<'opfs' | 'folder'>('opfs');
  readonly folder = new FolderChoice();
  running = $state(false);
  progress = $state.raw<WorkProgress | null>(null);
  done = $state.raw<(KeptParquet & { rows: number }) | null>(null);
  problem = $state('');
  private controller: AbortController | null = null;

  constructor(private readonly deps: ExportDeps) {}

  async start(table: CatalogTable): Promise<void> {
    if (this.running) return;
    this.problem = '';
    this.done = null;
    if (this.place === 'folder' && !this.folder.folder) {
      this.problem = 'catalog: pick a folder to write the Parquet into first';
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    this.running = true;
    this.progress = { rows: 0, bytes: 0 };
    try {
      this.done = await materializeTable(
        table.database,
        table.name,
        this.place === 'folder'
          ? { kind: 'folder', folder: this.folder.folder! }
          : { kind: 'opfs', root: await browserStorageRoot() },
        { engine: this.deps.engine, catalog: jobCatalogOf(this.deps.catalog, this.deps.engine) },
        (p) => (this.progress = { rows: p.rows, bytes: p.bytesWritten }),
        controller.signal,
      );
    } catch (e) {
      const err = e instanceof DecantError ? e : new DecantError(`catalog: ${String(e)}`);
      this.problem =
        err.code === 'cancelled' ? 'Cancelled: the table was left as it was.' : err.message;
    } finally {
      this.running = false;
      this.controller = null;
    }
  }

  cancel(): void {
    this.controller?.abort();
  }
}

function whatOf(s: ExportSubject): string {
  if (s.kind === 'table')
    return `table ${quoteIdent(s.table.database)}.${quoteIdent(s.table.name)}`;
  if (s.kind === 'query') return 'the query';
  const node = s.job.nodes.find((n) => n.id === s.nodeId);
  return `node ${node ? nodeLabel(node) : JSON.stringify(s.nodeId)} of job ${JSON.stringify(s.job.name)}`;
}

function defaultName(s: ExportSubject): string {
  if (s.kind === 'table') return s.table.name;
  if (s.kind === 'query') return 'query-result';
  const node = s.job.nodes.find((n) => n.id === s.nodeId);
  return `${s.job.name}-${node?.name ?? s.nodeId}`;
}
