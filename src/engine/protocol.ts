/**
 * The typed boundary between the page and the workers. Types only: imported by both sides.
 * Plain data crosses; Arrow IPC bytes are transferred, never copied.
 */
import type { BadRowPolicy, ColumnInfo, CsvDialect, RaggedLine } from '../core/csv/dialect';

export type ParquetCompression = 'zstd' | 'snappy' | 'gzip' | 'none';

/** What the engine found in a file, before any full scan. */
export interface CsvInspection {
  fileId: string;
  fileName: string;
  sizeBytes: number;
  dialect: CsvDialect;
  /** e.g. "UTF-8 (with BOM)", "Latin-1 (ISO-8859-1), transcoded". */
  encodingLabel: string;
  columns: ColumnInfo[];
  /** Exact when the whole file was in the sample, otherwise an estimate from the sample. */
  rowCount: number;
  rowCountExact: boolean;
  /** First rows as an Arrow IPC stream (transferred). */
  preview: Uint8Array;
  /** Things the user should know, e.g. "decimal comma detected". */
  notes: string[];
  /** Lines of the sample with the wrong number of fields; present when the file is ragged. */
  ragged?: { lines: RaggedLine[]; expected: number; policy: BadRowPolicy };
  /** Milliseconds the inspection took in the engine. */
  elapsedMs: number;
}

export interface InspectOptions {
  /** 'error' (default): a ragged file is reported, not read. */
  badRows?: BadRowPolicy;
  /** Rows in the preview; default 100. */
  previewRows?: number;
}

/** Everything a scan needs; comes from an inspection the user has seen. */
export interface ScanPlan {
  fileId: string;
  dialect: CsvDialect;
  columns: ColumnInfo[];
  badRows: BadRowPolicy;
}

export interface ScanProgress {
  bytesRead: number;
  bytesTotal: number;
  rowsRead: number;
}

export interface ScanResult {
  rowsRead: number;
  bytesRead: number;
  /** Rows skipped because of the bad-row policy. */
  rowsSkipped: number;
}

export interface EncodeOptions {
  compression: ParquetCompression;
  /** Rows per row group; default 1,048,576 (parquet-rs, Spark). */
  rowGroupSize?: number;
}

export interface EncodeProgress {
  rowsWritten: number;
  bytesWritten: number;
}

export interface EncodeResult {
  blob: Blob;
  rowsWritten: number;
  /** Rows in the finished file's footer, read back as a check. */
  rowsInFooter: number;
  rowGroups: number;
}

/** Messages from the engine worker to the Parquet worker over their own MessagePort. */
export type BatchMessage =
  | { t: 'schema'; bytes: Uint8Array }
  | { t: 'batch'; bytes: Uint8Array; rows: number }
  | { t: 'end'; rows: number }
  | { t: 'abort'; message: string };

/** Messages back: the Parquet worker grants room for `n` more batches (backpressure). */
export type CreditMessage = { t: 'credit'; n: number };

/** An error as it crosses a worker boundary; rebuilt as a DecantError on the page. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  line?: number;
  column?: string;
  sql?: string;
}

export interface EngineApi {
  /** Starts DuckDB; resolves with its version. Idempotent. */
  init(): Promise<string>;
  /** Registers a dropped file lazily (no copy). `fileId` must be unique per page. */
  addFile(fileId: string, file: File): Promise<void>;
  removeFile(fileId: string): Promise<void>;
  inspect(fileId: string, opts?: InspectOptions): Promise<CsvInspection>;
  /**
   * Streams the whole file as Arrow record batches into `port` (to the Parquet worker).
   * Rejects with a WireError-shaped error; on cancel with code 'cancelled'.
   */
  scan(
    taskId: string,
    plan: ScanPlan,
    port: MessagePort,
    onProgress: (p: ScanProgress) => void,
  ): Promise<ScanResult>;
  cancel(taskId: string): Promise<void>;
}

export interface ParquetApi {
  init(): Promise<void>;
  /** Encodes what arrives on `port` until 'end'; rejects on 'abort'. */
  encode(
    port: MessagePort,
    opts: EncodeOptions,
    onProgress: (p: EncodeProgress) => void,
  ): Promise<EncodeResult>;
}
