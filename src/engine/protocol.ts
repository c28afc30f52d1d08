/**
 * The typed boundary between the page and the workers. Types only: imported by both sides.
 * Plain data crosses; Arrow IPC bytes are transferred, never copied. Longer than most modules on
 * purpose: the whole boundary and its contracts in one place, imports from `core` only.
 */
import type { BadRowPolicy, ColumnInfo, CsvDialect, RaggedLine } from '../core/csv/dialect';
import type { CsvClassifierSettings, CustomCsvVerdict } from '../core/csv/custom-classifier';
import type { CastCheck } from '../core/sql/cast-check';

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
  /**
   * Exact when the whole file was in the sample, otherwise an estimate from the sample; null for
   * a compressed file too large to count at once (its start's ratio says little about the rest:
   * an estimate was once 8.3M for 537M rows), counted when it is converted.
   */
  rowCount: number | null;
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
  /**
   * Rows per row group; default 122,880 (DuckDB's): the encoder flushes each one to the output
   * while the engine scans on, and holds at most one.
   */
  rowGroupSize?: number;
}

export interface EncodeProgress {
  rowsWritten: number;
  bytesWritten: number;
}

export interface EncodeResult {
  /** The output; when it was written to a file handle, that file (read from disk on demand). */
  blob: Blob;
  rowsWritten: number;
  /** Rows in the finished file's footer, read back as a check. */
  rowsInFooter: number;
  rowGroups: number;
}

/** Messages from the engine worker to the Parquet worker over their own MessagePort. */
export type BatchMessage =
  | { t: 'schema'; bytes: Uint8Array }
  /**
   * Record-batch messages in order, as DuckDB handed them out (about 2,048 rows each), never
   * joined: each part's buffer is transferred, so the engine copies nothing (the encoder joins
   * them to the schema once, as parquet-wasm reads one buffer).
   */
  | { t: 'batch'; parts: Uint8Array[]; rows: number }
  | { t: 'end'; rows: number }
  | { t: 'abort'; message: string };

/** Messages back: the Parquet worker grants room for `n` more batches (backpressure). */
export type CreditMessage = { t: 'credit'; n: number };

/**
 * A file behind an HTTP(S) URL (public, or presigned S3 GET), read by range requests only: never
 * a HEAD, never a whole download. `url` is a credential when presigned: it appears in no message.
 */
export interface UrlFile {
  kind: 'url';
  url: string;
  /** Bytes, from a listing or a ranged probe. */
  size: number;
  /** The path it has in the crawl or table, for messages (`sales/year=2024/part-0.csv`). */
  name: string;
  lastModified: number;
}

/** One file of a catalog table, handed to the engine to read lazily. */
export interface AttachedFile {
  /** Path relative to the table root, e.g. 'year=2024/part.csv'. */
  path: string;
  file: File | UrlFile;
  /** Values for the table's partitionKeys, in order; `__HIVE_DEFAULT_PARTITION__` reads as NULL. */
  partitionValues: string[];
  /** The file's own column names, when they differ from the table's (see TableSource). */
  columns?: string[];
}

/** A CSV catalog table as the engine serves it: a view `database.table` over its files. */
export interface AttachedTable {
  database: string;
  name: string;
  classification: 'csv';
  dialect: CsvDialect;
  /** Data columns, read with read_csv's `columns=…` (types are DuckDB type names). */
  columns: ColumnInfo[];
  /** Appended as columns after the data columns, each value cast to its key's type. */
  partitionKeys: ColumnInfo[];
  files: AttachedFile[];
}

/** Glue's column statistics of one column, as computed and as the catalog keeps them. */
export interface ColumnStatistics {
  column: string;
  type: string;
  nulls: number;
  /** approx_count_distinct: an estimate. */
  distinct: number;
  min?: string;
  max?: string;
  maxLength?: number;
  avgLength?: number;
  trues?: number;
  falses?: number;
}

/** Any catalog table the engine serves, by its classification. */
export type TableAttachment = AttachedTable | JsonTable | ParquetTable;

/** The outcome of a SQL console run: the last statement's result. */
export interface SqlResult {
  /** Handle for `page`; '' when there is nothing to page (kind 'ok', or no rows). */
  resultId: string;
  /** Names and DuckDB types of the result's columns; [] for 'ok'. */
  columns: ColumnInfo[];
  /** Rows of the result; for 'ok', the rows changed when DuckDB says (INSERT, UPDATE, DELETE, CTAS), else 0. */
  rowCount: number;
  elapsedMs: number;
  /** 'ok' for statements that return a status, not rows: CREATE, INSERT, SET, … */
  kind: 'rows' | 'ok';
}

/**
 * What the JSON or Parquet classifier found in one file; the crawler's input. `type` is DuckDB's
 * type text (`BIGINT`, `STRUCT(id BIGINT, email VARCHAR)`, `VARCHAR[]`, `MAP(VARCHAR, INTEGER)`).
 */
export interface FileSchema {
  classification: 'json' | 'parquet';
  columns: { name: string; type: string }[];
  /** Exact: from the footer for Parquet, from every record parsed for JSON. */
  rowCount: number;
  /** Things the user should know, e.g. "\"id\" holds values of different kinds … read as VARCHAR". */
  notes: string[];
}

/** A JSON or Parquet file read whole for Quick convert: its schema, with its first rows. */
export interface FileTableInspection extends FileSchema {
  /** First 100 rows as an Arrow IPC stream (transferred). */
  preview: Uint8Array;
  elapsedMs: number;
}

/** One file a crawl asks the engine to classify. */
export interface CrawlRequest {
  path: string;
  size: number;
  lastModified: number;
  /** Chosen by the caller from the name; the engine never guesses. */
  kind: 'csv' | 'json' | 'parquet';
  /** A local file (dropped, picked, or from OPFS), or a remote one read by range GETs. */
  file: File | UrlFile;
}

export interface CrawlRequestOptions {
  /** Files read per leaf folder (Glue's SampleSize); default: all. */
  sampleSize?: number;
  /** Custom CSV classifiers, tried in this order before the built-in sniffer. */
  classifiers?: CsvClassifierSettings[];
}

export interface CrawlProgress {
  /** Files classified (or skipped) so far, of `total` to read. */
  done: number;
  total: number;
  bytes: number;
}

/** A classified file, with how to read it (the crawler's ClassifiedFile has these fields). */
export interface CrawledFile {
  /** Relative to the crawl root, '/'-separated, e.g. `sales/year=2024/month=01/part-0.csv`. */
  path: string;
  size: number;
  lastModified: number;
  classification: 'csv' | 'json' | 'parquet';
  /** DuckDB type names; `NULL` for a column the sample never filled. */
  columns: { name: string; type: string }[];
  /** The reader options as a stable string: files with different keys never share a table. */
  formatKey: string;
  rowCount?: number;
  kind: 'csv' | 'json' | 'parquet';
  /** Folder part of `path` ('' at the root). */
  folder: string;
  /** For CSV: the dialect its table is read with. */
  dialect?: CsvDialect;
  /** The custom classifier that fitted, when one did. */
  classifier?: string;
}

export interface CrawlOutcome {
  files: CrawledFile[];
  /** Files that could not be classified, with why (e.g. a ragged CSV's lines). */
  skipped: { path: string; reason: string }[];
  /** What the classifiers corrected or assumed, e.g. a column widened by a late value. */
  notes: string[];
  /** Files left unread by the sample size (included, schema taken from their folder). */
  unread: number;
  bytesRead: number;
}

/**
 * A Parquet catalog table: its files, read into one DuckDB table when a query first names it
 * (DuckDB-WASM has no Parquet reader offline; parquet-wasm decodes it a row group at a time).
 */
export interface ParquetTable {
  database: string;
  name: string;
  classification: 'parquet';
  /**
   * The table's columns: each file's column of that name (exactly, else ignoring ASCII case)
   * cast to `type`, NULL in a file without it. A file's other columns are not read.
   */
  columns: ColumnInfo[];
  /** Appended after the data columns, each file's value cast to its key's type. */
  partitionKeys: ColumnInfo[];
  files: AttachedFile[];
}

/** A JSON catalog table: its files, read whole and imported into one DuckDB table. */
export interface JsonTable {
  database: string;
  name: string;
  classification: 'json';
  /** `path` is relative to the table root, for messages (`year=2024/orders.ndjson`). */
  files: { path: string; file: File | UrlFile }[];
}

/** A compiled job target as the engine runs it (see src/jobs compileJob's targets). */
export interface JobTargetSpec {
  /** One SELECT statement (the target's SQL, `WITH` its CTEs). */
  sql: string;
  /** Columns whose values make `key=value` folders; they are left out of the files. */
  partitionKeys: string[];
  /** Parquet keeps DuckDB's types; text formats get DuckDB's text for the types JSON/CSV lack. */
  encoding: 'parquet' | 'csv' | 'ndjson';
}

/** What a target will write, known before any file is streamed. */
export interface JobTargetPlan {
  /** The files' columns (partition keys left out), with DuckDB types. */
  columns: ColumnInfo[];
  /** The partition keys with their types. */
  keys: ColumnInfo[];
  /** One per output file: partition values as DuckDB's text (null for NULL); [] unpartitioned. */
  parts: { values: (string | null)[]; rows: number | null }[];
  /** Columns sent as DuckDB's text that are numbers (DECIMAL, HUGEINT): NDJSON writes them bare. */
  numericText: string[];
}

export interface JobStreamProgress {
  rows: number;
  /** Bytes DuckDB has read from registered files since the target started (best effort). */
  bytesRead: number;
}

/** How the encoder writes text: CSV (RFC 4180 quoting) or newline-delimited JSON. */
export type TextEncodeOptions =
  | {
      kind: 'csv';
      delimiter: string;
      /** '' for none: values are written as they are. */
      quote: string;
      header: boolean;
      compression: 'none' | 'gzip';
    }
  | { kind: 'ndjson'; compression: 'none' | 'gzip'; numericText: string[] };

export interface TextEncodeResult {
  /** The output; when it was written to a file handle, that file (read from disk on demand). */
  blob: Blob;
  rowsWritten: number;
}

/**
 * The engine worker's calls (workers/engine/engine-host.ts). Errors reject as DecantErrors with
 * every field kept (src/engine/error-transfer.ts).
 */
export interface EngineApi {
  /** Starts DuckDB; resolves with its version. Idempotent. */
  init(): Promise<string>;
  /** Registers a dropped file lazily (no copy). `fileId` must be unique per page. */
  addFile(fileId: string, file: File): Promise<void>;
  /**
   * Registers a remote file under `fileId`, like addFile: `inspect`, `validateCsv`, `inspectJson`
   * and `inspectParquet` then read it by range GETs (the Parquet footer only). Makes no request;
   * reads reject with `remote:` errors (expired URL, 403, 404, CORS…) naming host and path.
   */
  addUrl(fileId: string, file: UrlFile): Promise<void>;
  removeFile(fileId: string): Promise<void>;
  inspect(fileId: string, opts?: InspectOptions): Promise<CsvInspection>;
  /**
   * Reads the whole file with these types; resolves with the exact row count, or rejects with
   * code 'cast' naming the line and column of the first value that does not fit.
   */
  validateCsv(
    fileId: string,
    plan: Pick<ScanPlan, 'dialect' | 'columns' | 'badRows'>,
  ): Promise<number>;
  /**
   * Streams the whole file as Arrow record batches into `port` (to the Parquet worker).
   * Rejects with a DecantError; on cancel with code 'cancelled'.
   */
  scan(
    taskId: string,
    plan: ScanPlan,
    port: MessagePort,
    onProgress: (p: ScanProgress) => void,
  ): Promise<ScanResult>;
  cancel(taskId: string): Promise<void>;

  /**
   * Serves a catalog table as `"database"."name"` (queryable as `database.name`), replacing
   * whatever table of another classification had that name:
   * - csv: a VIEW over its files, registered lazily (read in slices, never copied). Re-attaching
   *   replaces the view and drops files it no longer uses; on failure the previous view stays.
   * - json: a TABLE (a copy: JSON has no lazy reader), built from all its files with their columns
   *   unioned by name, swapped in only once complete. Rejects with `json:` errors naming the file
   *   (`db.table/path`).
   * - parquet: a TABLE read (all its files, partition values appended) the first time `runSql`
   *   names it or `columnStatistics` asks for it; attaching checks names, types and partition
   *   values only. A re-attach is read again on next use and swapped in only once complete. The
   *   read rejects with `parquet: "database.name/path": …` errors naming the file and row group.
   * All reject with `catalog:` errors (bad type name, partition value that doesn't cast, names
   * DuckDB would confuse because it ignores case).
   */
  attachTable(t: TableAttachment): Promise<void>;
  /** Drops the table, whatever its classification, and its files; one not attached is ignored. */
  detachTable(database: string, name: string): Promise<void>;
  /**
   * Runs a script (statements separated by `;`); the last statement's rows are materialized
   * once, for `page`. Rejects with `sql: line n: …` errors carrying `line` and `column` (1-based,
   * in `sql`). INSTALL/LOAD and settings that would let the engine reach the network are refused,
   * and so is any read of a URL that is not a registered remote file (`query: reading "https://host/path"
   * is not allowed: add it as a source first`), before a request is made.
   */
  runSql(sql: string): Promise<SqlResult>;
  /** Rows `[offset, offset + limit)` of a result as an Arrow IPC stream (transferred). */
  page(resultId: string, offset: number, limit: number): Promise<Uint8Array>;
  /** Frees a result; unknown ids are ignored. */
  dropResult(resultId: string): Promise<void>;
  /**
   * Glue's column statistics of an attached table in one scan; `distinct` is
   * approx_count_distinct, a HyperLogLog estimate that is never exact (DuckDB 1.4 counted 3
   * distinct values as 2 and 1,000 as 1,249): show it as approximate.
   */
  columnStatistics(
    database: string,
    name: string,
  ): Promise<{ rowCount: number; columns: ColumnStatistics[] }>;
  /**
   * Call before changing a column's type: how many non-NULL values would fail to convert, with
   * up to 5 distinct examples. The values are the files' text read as `type` exactly as the view
   * will read them after the change (a BOOLEAN `true` fails as INTEGER, though TRY_CAST(true AS
   * INTEGER) is 1). `type` must look like a DuckDB type name.
   */
  castFailures(database: string, name: string, column: string, type: string): Promise<CastCheck>;

  /**
   * The JSON classifier: reads the whole file (UTF-8, BOM or not; `.gz` inflated), an array of
   * objects or NDJSON, checks every byte, infers columns from every record (fields that appear
   * late included) and imports it into DuckDB once to take the types from DESCRIBE. Rejects with
   * `json: "name": line n, column c: …` for syntax errors (`line`, `column` set), and `json:`
   * errors for empty files, a top-level scalar, invalid UTF-8 (code 'encoding') or files over 1 GiB.
   */
  inspectJson(fileId: string): Promise<FileSchema>;
  /**
   * The Parquet classifier: schema and exact row count from the footer alone (the data pages are
   * never read). Rejects with `parquet: "name" is not a Parquet file (…)` or `parquet:` errors.
   */
  inspectParquet(fileId: string): Promise<FileSchema>;
  /**
   * A custom CSV classifier (Glue's CsvClassifier) on one file, for "Try on a file" and the
   * crawler: fits (the whole file read with its settings; columns, exact row count, notes) or
   * does not fit, with the reason. Rejects only for a classifier that is not valid (a
   * `classifier "name": field: …` error).
   */
  classifyCsvCustom(fileId: string, classifier: CsvClassifierSettings): Promise<CustomCsvVerdict>;
  /**
   * The crawler's classifier pass over many files in one call (see workers/engine/crawl-files.ts):
   * every CSV read whole with its sniffed types, JSON parsed, Parquet footers read. Files that
   * cannot be classified are in `skipped` with why. Progress about 10 times a second;
   * `cancel(taskId)` stops it between files (rejects with code 'cancelled').
   */
  crawlFiles(
    taskId: string,
    files: CrawlRequest[],
    opts: CrawlRequestOptions,
    onProgress: (p: CrawlProgress) => void,
  ): Promise<CrawlOutcome>;

  /**
   * A CSV catalog table as the view reads it: its dialect and the names its files are
   * registered under, in the table's file order (for a job source that reads only some files).
   * Rejects with a `catalog:` error when the table is not attached.
   */
  tableScan(database: string, name: string): Promise<{ dialect: CsvDialect; registered: string[] }>;
  /**
   * Starts a job target on a connection of its own: describes its output and, when it is
   * partitioned, computes it once into a temporary table and lists the partitions. Rejects with
   * `job:` errors (DuckDB's message, with the SQL) or code 'cancelled'.
   */
  prepareJobTarget(taskId: string, spec: JobTargetSpec): Promise<JobTargetPlan>;
  /**
   * Streams the rows of part `part` of a prepared target as Arrow IPC batches into `port` (to
   * the encoder), with backpressure. `cancel(taskId)` stops it (code 'cancelled').
   */
  streamJobPart(
    taskId: string,
    part: number,
    port: MessagePort,
    onProgress: (p: JobStreamProgress) => void,
  ): Promise<{ rows: number }>;
  /** Drops a target's temporary table and connection; unknown ids are ignored. */
  endJobTarget(taskId: string): Promise<void>;

  /**
   * Quick convert's JSON and Parquet reader: reads a registered file whole into an internal
   * table (JSON: every record checked; Parquet: a row group at a time) and returns its schema,
   * exact row count and first rows. Rejects with `json: "name": line n, column c: …` or
   * `parquet: "name": row group g of n: …` errors, like inspectJson and inspectParquet.
   */
  loadFileTable(fileId: string, kind: 'json' | 'parquet'): Promise<FileTableInspection>;
  /**
   * Streams a loaded file's rows into `port` (to the encoder) with backpressure; `as` 'text'
   * (default 'parquet') sends DuckDB's text of types the text encoder cannot print (dates…).
   * `cancel(taskId)` stops it (code 'cancelled').
   */
  scanFileTable(
    taskId: string,
    fileId: string,
    port: MessagePort,
    onProgress: (p: ScanProgress) => void,
    as?: 'parquet' | 'text',
  ): Promise<ScanResult>;
  /** Drops what loadFileTable read; unknown ids are ignored. */
  dropFileTable(fileId: string): Promise<void>;

  /**
   * Data quality (src/quality): runs an evaluation's read-only queries in order on the catalog's
   * attached tables, each one SELECT; a query that fails gives `{ error }` and the rest still
   * run. Progress after each query; `cancel(taskId)` stops between queries (rejects with code
   * 'cancelled').
   */
  qualityQueries(
    taskId: string,
    queries: string[],
    onProgress: (p: QualityProgress) => void,
  ): Promise<QualityQueryResult[]>;
}

/** A data quality evaluation's progress: queries run of those asked. */
export interface QualityProgress {
  done: number;
  total: number;
}

/** One data quality query's rows (numbers, text, booleans, NULL), or why it failed. */
export type QualityQueryResult =
  { rows: Record<string, string | number | boolean | null>[] } | { error: string };

/**
 * With `sink`, the encoder writes each chunk into that file as it is produced (an OPFS file
 * through a synchronous access handle, a picked folder's through createWritable) and never
 * holds the whole output; the caller names it temporarily and renames or removes it. On a
 * failure the file is left truncated or unchanged, for the caller to remove. Without, the
 * output is gathered into a Blob (downloads).
 */
export interface ParquetApi {
  init(): Promise<void>;
  /** Encodes what arrives on `port` until 'end'; rejects on 'abort'. */
  encode(
    port: MessagePort,
    opts: EncodeOptions,
    onProgress: (p: EncodeProgress) => void,
    sink?: FileSystemFileHandle,
  ): Promise<EncodeResult>;
  /** Encodes what arrives on `port` as CSV or NDJSON text until 'end'; rejects on 'abort'. */
  encodeText(
    port: MessagePort,
    opts: TextEncodeOptions,
    onProgress: (p: EncodeProgress) => void,
    sink?: FileSystemFileHandle,
  ): Promise<TextEncodeResult>;
}

/**
 * DuckDB's wasm, compiled at the page's start by a worker of its own (src/engine/engine-wasm.ts):
 * the page asks that worker to compile `url` and answer on `port`…
 */
export interface WasmCompileRequest {
  url: string;
  port: MessagePort;
}

/** …which it does with the module, or the reason it could not. */
export type WasmCompiled = { module: WebAssembly.Module } | { error: string };

/** The engine worker's first message: the port's other end (null: compile nothing for it). */
export interface EngineWasmMessage {
  decantEngineWasm: MessagePort | null;
}

/** Sent to the engine worker when the compile worker could not start: it compiles the wasm itself. */
export interface EngineWasmFailed {
  decantEngineWasmFailed: string;
}
