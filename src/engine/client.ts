import * as Comlink from 'comlink';
import { DecantError, type DecantErrorCode } from '../core/errors';
import type { ColumnStatistics } from '../catalog/model';
import type { CsvClassifierSettings, CustomCsvVerdict } from '../core/csv/custom-classifier';
import type {
  AttachedTable,
  CrawlOutcome,
  CrawlProgress,
  CrawlRequest,
  CrawlRequestOptions,
  EncodeOptions,
  EncodeProgress,
  EncodeResult,
  EngineApi,
  FileSchema,
  InspectOptions,
  JobStreamProgress,
  JobTargetPlan,
  JobTargetSpec,
  JsonTable,
  ParquetTable,
  CsvInspection,
  ParquetApi,
  ScanPlan,
  ScanProgress,
  ScanResult,
  SqlResult,
  TextEncodeOptions,
  UrlFile,
  WireError,
} from './protocol';
import type { CsvDialect } from '../core/csv/dialect';
import type { CastCheck } from '../core/sql/cast-check';

/** Rebuilds the error a worker threw (a WireError) as a DecantError. */
export function errorFromWire(e: unknown): DecantError {
  if (e instanceof DecantError) return e;
  if (e && typeof e === 'object' && 'message' in e) {
    const w = e as WireError;
    return new DecantError(w.message, {
      code: w.code as DecantErrorCode | undefined,
      line: w.line,
      column: w.column,
      sql: w.sql,
    });
  }
  return new DecantError(String(e));
}

/** How a job target's files are encoded (src/jobs' TargetWriteFormat has this shape). */
export type JobOutputFormat =
  | { kind: 'parquet'; compression: ParquetCompressionName; rowGroupSize: number }
  | Extract<TextEncodeOptions, { kind: 'csv' }>
  | { kind: 'ndjson'; compression: 'none' | 'gzip' };
type ParquetCompressionName = EncodeOptions['compression'];

export interface JobTargetProgress {
  /** Files finished, of `plan.parts.length`. */
  partsDone: number;
  parts: number;
  /** Rows streamed so far in all. */
  rows: number;
  bytesRead: number;
  bytesWritten: number;
}

/** A job target's files, encoded and held in memory until the caller writes them somewhere. */
export interface JobTargetOutput {
  plan: JobTargetPlan;
  files: { values: (string | null)[]; blob: Blob; rows: number }[];
}

export interface ConvertProgress extends ScanProgress, EncodeProgress {}

export interface ConvertOutcome {
  scan: ScanResult;
  encode: EncodeResult;
}

/**
 * The page's handle on the two workers: DuckDB (scan) and parquet-wasm (encode). Batches flow from
 * one worker to the other over their own channel; the page sees only progress and the result.
 */
export class EngineClient {
  private engineWorker: Worker;
  private parquetWorker: Worker;
  private engine: Comlink.Remote<EngineApi>;
  private parquet: Comlink.Remote<ParquetApi>;
  private tasks = 0;
  readonly ready: Promise<string>;

  constructor() {
    this.engineWorker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
      type: 'module',
      name: 'decant-engine',
    });
    this.parquetWorker = new Worker(new URL('../../workers/parquet.worker.ts', import.meta.url), {
      type: 'module',
      name: 'decant-parquet',
    });
    this.engine = Comlink.wrap<EngineApi>(this.engineWorker);
    this.parquet = Comlink.wrap<ParquetApi>(this.parquetWorker);
    // Start both engines at once, off the first paint: instantiation takes seconds.
    this.ready = Promise.all([this.engine.init(), this.parquet.init()]).then(
      ([version]) => version,
      (e) => Promise.reject(errorFromWire(e)),
    );
  }

  private async call<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw errorFromWire(e);
    }
  }

  addFile(fileId: string, file: File): Promise<void> {
    return this.call(() => this.engine.addFile(fileId, file));
  }

  /** See EngineApi.addUrl: a remote file, read by range GETs under `fileId`. */
  addUrl(fileId: string, file: UrlFile): Promise<void> {
    return this.call(() => this.engine.addUrl(fileId, file));
  }

  removeFile(fileId: string): Promise<void> {
    return this.call(() => this.engine.removeFile(fileId));
  }

  inspect(fileId: string, opts?: InspectOptions): Promise<CsvInspection> {
    return this.call(() => this.engine.inspect(fileId, opts));
  }

  /** See EngineApi.validateCsv. */
  validateCsv(
    fileId: string,
    plan: Pick<ScanPlan, 'dialect' | 'columns' | 'badRows'>,
  ): Promise<number> {
    return this.call(() => this.engine.validateCsv(fileId, plan));
  }

  /**
   * Converts one registered file to Parquet. Fails loudly (code 'row-mismatch') unless rows read
   * by DuckDB, rows encoded and rows in the output's footer all agree. `signal` cancels.
   */
  async convert(
    plan: ScanPlan,
    opts: EncodeOptions,
    onProgress: (p: ConvertProgress) => void,
    signal?: AbortSignal,
  ): Promise<ConvertOutcome> {
    const taskId = `t${++this.tasks}`;
    const channel = new MessageChannel();
    let scanP: ScanProgress = { bytesRead: 0, bytesTotal: 0, rowsRead: 0 };
    let encP: EncodeProgress = { rowsWritten: 0, bytesWritten: 0 };
    const report = () => onProgress({ ...scanP, ...encP });
    const onAbort = () => void this.engine.cancel(taskId);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const encoding = this.parquet.encode(
        Comlink.transfer(channel.port2, [channel.port2]),
        opts,
        Comlink.proxy((p: EncodeProgress) => ((encP = p), report())),
      );
      const scanning = this.engine.scan(
        taskId,
        plan,
        Comlink.transfer(channel.port1, [channel.port1]),
        Comlink.proxy((p: ScanProgress) => ((scanP = p), report())),
      );
      // The scan's error is the cause; the encoder only echoes it, so report the scan's first.
      const [scan, encode] = await Promise.allSettled([scanning, encoding]);
      if (scan.status === 'rejected') throw errorFromWire(scan.reason);
      if (encode.status === 'rejected') throw errorFromWire(encode.reason);
      const s = scan.value;
      const e = encode.value;
      if (s.rowsRead !== e.rowsWritten || e.rowsInFooter !== s.rowsRead) {
        throw new DecantError(
          `parquet: rows read (${s.rowsRead}), encoded (${e.rowsWritten}) and in the file ` +
            `(${e.rowsInFooter}) disagree; the file was not saved`,
          { code: 'row-mismatch' },
        );
      }
      return { scan: s, encode: e };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** See EngineApi.attachTable: serves the table as the view `database.name`. */
  attachTable(t: AttachedTable): Promise<void> {
    return this.call(() => this.engine.attachTable(t));
  }

  detachTable(database: string, name: string): Promise<void> {
    return this.call(() => this.engine.detachTable(database, name));
  }

  /** See EngineApi.runSql; errors are DecantErrors with `line` and `column` in `sql`. */
  runSql(sql: string): Promise<SqlResult> {
    return this.call(() => this.engine.runSql(sql));
  }

  /** An Arrow IPC stream of rows `[offset, offset + limit)`; the caller owns the bytes. */
  page(resultId: string, offset: number, limit: number): Promise<Uint8Array> {
    return this.call(() => this.engine.page(resultId, offset, limit));
  }

  dropResult(resultId: string): Promise<void> {
    return this.call(() => this.engine.dropResult(resultId));
  }

  columnStatistics(
    database: string,
    name: string,
  ): Promise<{ rowCount: number; columns: ColumnStatistics[] }> {
    return this.call(() => this.engine.columnStatistics(database, name));
  }

  /** Call before changing a column's type: how many values would fail the cast, with examples. */
  castFailures(database: string, name: string, column: string, type: string): Promise<CastCheck> {
    return this.call(() => this.engine.castFailures(database, name, column, type));
  }

  /** See EngineApi.inspectJson: columns from every record, exact row count. */
  inspectJson(fileId: string): Promise<FileSchema> {
    return this.call(() => this.engine.inspectJson(fileId));
  }

  /** See EngineApi.inspectParquet: schema and row count from the footer only. */
  inspectParquet(fileId: string): Promise<FileSchema> {
    return this.call(() => this.engine.inspectParquet(fileId));
  }

  /** See EngineApi.classifyCsvCustom: fits, with columns and rows, or does not, with why. */
  classifyCsvCustom(fileId: string, classifier: CsvClassifierSettings): Promise<CustomCsvVerdict> {
    // Comlink's Remote makes the union a union of promises; awaiting joins it again.
    return this.call(async () => await this.engine.classifyCsvCustom(fileId, classifier));
  }

  /** See EngineApi.attachJsonTable: the table `database.name`, built from all its files. */
  attachJsonTable(t: JsonTable): Promise<void> {
    return this.call(() => this.engine.attachJsonTable(t));
  }

  detachJsonTable(database: string, name: string): Promise<void> {
    return this.call(() => this.engine.detachJsonTable(database, name));
  }

  /** See EngineApi.attachParquetTable: `database.name`, read when a query first names it. */
  attachParquetTable(t: ParquetTable): Promise<void> {
    return this.call(() => this.engine.attachParquetTable(t));
  }

  detachParquetTable(database: string, name: string): Promise<void> {
    return this.call(() => this.engine.detachParquetTable(database, name));
  }

  /** See EngineApi.crawlFiles; `signal` cancels between files (rejects with code 'cancelled'). */
  async crawlFiles(
    files: CrawlRequest[],
    opts: CrawlRequestOptions,
    onProgress: (p: CrawlProgress) => void,
    signal?: AbortSignal,
  ): Promise<CrawlOutcome> {
    const taskId = `t${++this.tasks}`;
    const onAbort = () => void this.engine.cancel(taskId);
    signal?.addEventListener('abort', onAbort);
    try {
      return await this.call(() =>
        this.engine.crawlFiles(taskId, files, opts, Comlink.proxy(onProgress)),
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** See EngineApi.tableScan: a CSV table's dialect and registered file names, in order. */
  tableScan(
    database: string,
    name: string,
  ): Promise<{ dialect: CsvDialect; registered: string[] }> {
    return this.call(() => this.engine.tableScan(database, name));
  }

  /**
   * Runs one compiled job target: the engine streams each output file's rows (one per partition)
   * to the encoder worker, which makes a Parquet, CSV or NDJSON Blob of it. Nothing is written
   * anywhere: the caller publishes the files once every target succeeded. Rows streamed and rows
   * encoded must agree (code 'row-mismatch'); `signal` cancels (code 'cancelled').
   */
  async runJobTarget(
    spec: JobTargetSpec,
    format: JobOutputFormat,
    onProgress: (p: JobTargetProgress) => void,
    signal?: AbortSignal,
  ): Promise<JobTargetOutput> {
    const taskId = `t${++this.tasks}`;
    const onAbort = () => void this.engine.cancel(taskId);
    if (signal?.aborted) throw new DecantError('job: cancelled', { code: 'cancelled' });
    signal?.addEventListener('abort', onAbort, { once: true });
    const progress: JobTargetProgress = {
      partsDone: 0,
      parts: 0,
      rows: 0,
      bytesRead: 0,
      bytesWritten: 0,
    };
    try {
      const plan = await this.call(() => this.engine.prepareJobTarget(taskId, spec));
      progress.parts = plan.parts.length;
      onProgress({ ...progress });
      const files: JobTargetOutput['files'] = [];
      let rowsBefore = 0;
      let bytesBefore = 0;
      for (let i = 0; i < plan.parts.length; i++) {
        if (signal?.aborted) throw new DecantError('job: cancelled', { code: 'cancelled' });
        const channel = new MessageChannel();
        const port = Comlink.transfer(channel.port2, [channel.port2]);
        const onEncode = Comlink.proxy((p: EncodeProgress) => {
          progress.bytesWritten = bytesBefore + p.bytesWritten;
          onProgress({ ...progress });
        });
        const encoding: Promise<{ blob: Blob; rowsWritten: number }> =
          format.kind === 'parquet'
            ? this.parquet.encode(
                port,
                { compression: format.compression, rowGroupSize: format.rowGroupSize },
                onEncode,
              )
            : this.parquet.encodeText(
                port,
                format.kind === 'csv' ? format : { ...format, numericText: plan.numericText },
                onEncode,
              );
        const streaming = this.engine.streamJobPart(
          taskId,
          i,
          Comlink.transfer(channel.port1, [channel.port1]),
          Comlink.proxy((p: JobStreamProgress) => {
            progress.rows = rowsBefore + p.rows;
            progress.bytesRead = Math.max(progress.bytesRead, p.bytesRead);
            onProgress({ ...progress });
          }),
        );
        // The engine's error is the cause; the encoder only echoes it.
        const [sent, encoded] = await Promise.allSettled([streaming, encoding]);
        if (sent.status === 'rejected') throw errorFromWire(sent.reason);
        if (encoded.status === 'rejected') throw errorFromWire(encoded.reason);
        if (sent.value.rows !== encoded.value.rowsWritten)
          throw new DecantError(
            `job: rows streamed (${sent.value.rows}) and encoded (${encoded.value.rowsWritten}) ` +
              'disagree; nothing was written',
            { code: 'row-mismatch' },
          );
        files.push({
          values: plan.parts[i]!.values,
          blob: encoded.value.blob,
          rows: sent.value.rows,
        });
        rowsBefore += sent.value.rows;
        bytesBefore += encoded.value.blob.size;
        progress.rows = rowsBefore;
        progress.bytesWritten = bytesBefore;
        progress.partsDone = i + 1;
        onProgress({ ...progress });
      }
      return { plan, files };
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await this.engine.endJobTarget(taskId).catch(() => undefined);
    }
  }

  terminate(): void {
    this.engineWorker.terminate();
    this.parquetWorker.terminate();
  }
}
