/**
 * What a job run needs from outside the jobs domain, as narrow interfaces: the engine (run a
 * target, run a query), the catalog (read tables, attach them, register outputs) and the places
 * outputs go (OPFS, a picked folder, a download). The app implements them over its engine
 * client, catalog and browser; the Node tests over the worker modules and fake-indexeddb.
 */
import type { CsvDialect } from '../../core/csv/dialect';
import type { CatalogPartition, CatalogTable, TableDraft } from '../../catalog';
import type {
  JobTargetPlan,
  JobTargetSpec,
  QualityProgress,
  QualityQueryResult,
  SqlResult,
} from '../../engine/protocol';
import type { TargetWriteFormat } from '../nodes/target';
import type { NodeId } from '../model';
import type { ScratchFile } from '../../platform/scratch-files';

/** Progress of one target: files done of `parts`, rows streamed, furthest byte read. */
export interface TargetProgress {
  partsDone: number;
  parts: number;
  rows: number;
  bytesRead: number;
  bytesWritten: number;
}

/**
 * The file that part `index` of a target (partition `values`) is encoded straight into, under
 * its temporary name; undefined gathers that part in memory (downloads).
 */
export type OutputFileFor = (
  values: (string | null)[],
  index: number,
) => Promise<FileSystemFileHandle | undefined>;

/** A target's files: in memory, or (with OutputFileFor) the files as written. */
export interface TargetOutput {
  plan: JobTargetPlan;
  files: { values: (string | null)[]; blob: Blob; rows: number; streamedAs?: StreamedFile }[];
}

/** The engine as a run uses it (the page's EngineClient has this shape). */
export interface JobEngine {
  /**
   * Runs one compiled target into encoded files; nothing is written anywhere. Rejects with a
   * DecantError: code 'cancelled' once `signal` aborts, 'engine' for DuckDB's errors.
   */
  runJobTarget(
    spec: JobTargetSpec,
    format: TargetWriteFormat,
    onProgress: (p: TargetProgress) => void,
    signal?: AbortSignal,
    sinkFor?: OutputFileFor,
  ): Promise<TargetOutput>;
  /** Runs a query to its end (to find the node whose query fails); rejects with its error. */
  runSql(sql: string): Promise<SqlResult>;
  dropResult(resultId: string): Promise<void>;
  /** Read-only queries for Evaluate Data Quality nodes; see EngineApi.qualityQueries. */
  qualityQueries(
    queries: string[],
    onProgress: (p: QualityProgress) => void,
    signal?: AbortSignal,
  ): Promise<QualityQueryResult[]>;
  /** An attached CSV table's dialect and the names its files are registered under, in order. */
  tableScan(database: string, name: string): Promise<{ dialect: CsvDialect; registered: string[] }>;
}

/** Whether a catalog table can be read now; `message` says why not. */
export type SourceAccess =
  { kind: 'attached' } | { kind: 'needs-permission' | 'unavailable'; message: string };

/** The catalog as a run uses it. */
export interface JobCatalog {
  /** Resolves once the catalog can be read; rejects (a DecantError) when it cannot open. */
  whenReady(): Promise<void>;
  getTable(database: string, table: string): Promise<CatalogTable | undefined>;
  listPartitions(database: string, table: string): Promise<CatalogPartition[]>;
  /** Makes `database.table` queryable in the engine (afresh); never throws, says why not. */
  attach(t: CatalogTable): Promise<SourceAccess>;
  /**
   * Serves `t` with the files it lists (a bookmark's subset of a Parquet or JSON table) as the
   * view `as.database`.`as.name`; resolves with the call that drops it again.
   */
  attachCopy(t: CatalogTable, as: { database: string; name: string }): Promise<() => Promise<void>>;
  /**
   * One catalog transaction: a failure changes nothing. `reason` archives the current table as
   * a version even when its schema stays; `fromVersion` refuses a table changed since.
   */
  commitTables(
    database: string,
    entries: {
      draft: TableDraft;
      partitions: CatalogPartition[];
      reason?: string;
      fromVersion?: number;
    }[],
  ): Promise<unknown>;
}

/** A file a run made, waiting to be written: `path` is relative to the target's folder. */
export interface StagedFile {
  path: string;
  blob: Blob;
  /**
   * Already written, as it was encoded, into its folder under this temporary name (see
   * openStreamedFile): staging only takes it over, to rename or remove it.
   */
  streamedAs?: StreamedFile;
}

/** A file the encoder writes into under a temporary name, in the folder it belongs in. */
export interface StreamedFile {
  dir: FileSystemDirectoryHandle;
  temp: string;
  handle: FileSystemFileHandle;
}

/** Where targets write. */
export interface OutputPlaces {
  /** The folder `opfs` targets write under (the origin's private file system). */
  opfsRoot(): Promise<FileSystemDirectoryHandle>;
  /**
   * The folder picked for a `folder` target, with write permission. Throws a `job:` DecantError
   * saying what to do when none was picked or permission is refused.
   */
  pickedFolder(job: string, nodeId: NodeId, targetName: string): Promise<FileSystemDirectoryHandle>;
  /**
   * Hands the files to a download (several as a zip); resolves with the name saved. Files the
   * encoder wrote into scratch files (`streamedAs`) are its to remove.
   */
  download(name: string, files: readonly StagedFile[]): Promise<string>;
  /**
   * A scratch file of the browser's storage (its name ending in `label`) that a download
   * target's file is encoded into, never whole in memory; absent or null: gathered in memory.
   */
  scratchFile?(label: string): Promise<ScratchFile | null>;
  /** Uploads `s3` targets' files; absent where no S3 upload is possible (a run then fails). */
  s3?: S3Output;
}

/** Where one object goes: a bucket (and endpoint) in a region, and its key. */
export interface S3ObjectPlace {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint (path-style); absent: AWS. */
  endpoint?: string;
  key: string;
}

/** S3 uploads with the credentials the tab holds at the moment of the call. */
export interface S3Output {
  /** Null when credentials are held; else what to do, in words (enter them, or unlock). */
  locked(): string | null;
  /**
   * Sends `file` to `to` (a multipart upload when large), reporting bytes sent. Rejects with a
   * DecantError in S3's words; once `signal` aborts, with code 'cancelled' after aborting the
   * multipart upload (no part left behind).
   */
  upload(
    to: S3ObjectPlace,
    file: Blob,
    onProgress: (bytesSent: number) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /** Deletes an object this run uploaded (its run failed or was cancelled); in S3's words. */
  remove(at: S3ObjectPlace): Promise<void>;
}
