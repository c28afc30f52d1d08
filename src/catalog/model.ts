/**
 * The Data Catalog's nouns, as Glue names them (Database, Table, StorageDescriptor's columns,
 * Partition, TableVersion, ColumnStatistics), stored in IndexedDB. Plain, structured-cloneable
 * data: no classes, no functions; FileSystemHandles are the one non-JSON value (in sources).
 */
import type { CsvClassifierSettings } from '../core/csv/custom-classifier';
import type { ColumnStatistics } from '../engine/protocol';

export interface CatalogDatabase {
  /** Unique, case-sensitive as typed; Glue lower-cases, Decant keeps what the user wrote. */
  name: string;
  description: string;
  createdAt: number;
  updatedAt: number;
}

export interface CatalogColumn {
  name: string;
  /** DuckDB type name: BIGINT, DOUBLE, VARCHAR, TIMESTAMP, DATE, BOOLEAN, DECIMAL(p,s), STRUCT(...)… */
  type: string;
  comment: string;
}

/**
 * What a table reads. Never the bytes: a handle, an OPFS path, or a URL. `columns`, when set,
 * are the file's own column names in its order, because they differ from the table's (a file
 * written before a column was added); missing columns read as NULL.
 */
export type TableSource = TableSourceLocation & { columns?: string[] };

type TableSourceLocation =
  | {
      kind: 'file-handle';
      /** Path relative to the crawled root, e.g. `year=2024/month=01/part.csv`. */
      path: string;
      handle: FileSystemFileHandle;
      size: number;
      lastModified: number;
    }
  | { kind: 'opfs'; path: string; opfsPath: string; size: number; lastModified: number }
  | { kind: 'url'; path: string; url: string; size: number; lastModified: number }
  /**
   * An S3 object read with the AWS credentials the user holds in this tab: no URL and no secret
   * is stored, a GET URL is presigned in the tab each time the table is served.
   */
  | {
      kind: 's3';
      path: string;
      bucket: string;
      key: string;
      region: string;
      /** An S3-compatible endpoint (path-style); absent: AWS. */
      endpoint?: string;
      size: number;
      lastModified: number;
    };

export type Classification = 'csv' | 'json' | 'parquet';

export type UpdatedBy =
  { kind: 'user' } | { kind: 'crawler'; name: string } | { kind: 'job'; name: string };

/** Glue's Table parameters, typed where Decant relies on them; free-form strings otherwise. */
export interface TableParameters {
  recordCount?: number;
  sizeBytes?: number;
  objectCount?: number;
  delimiter?: string;
  header?: boolean;
  quote?: string;
  escape?: string;
  encoding?: 'utf-8' | 'utf-16' | 'latin-1';
  decimalSeparator?: '.' | ',';
  dateFormat?: string;
  timestampFormat?: string;
  compression?: 'none' | 'gzip' | 'zstd' | 'snappy';
  /** CSV fields read as NULL, as a JSON list of strings (e.g. `["","NA"]`); absent: only ''. */
  nullValues?: string;
  [key: string]: string | number | boolean | undefined;
}

export interface CatalogTable {
  database: string;
  name: string;
  description: string;
  classification: Classification;
  sources: TableSource[];
  columns: CatalogColumn[];
  partitionKeys: CatalogColumn[];
  parameters: TableParameters;
  updatedBy: UpdatedBy;
  /** Starts at 1; +1 on every change that archives the previous state. */
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** A snapshot of a table as it was; stored whenever a change replaces it. */
export interface TableVersion {
  database: string;
  table: string;
  version: number;
  archivedAt: number;
  /** Why it was replaced, e.g. "column price: DOUBLE → DECIMAL(10,2)". */
  reason: string;
  snapshot: CatalogTable;
}

export interface CatalogPartition {
  database: string;
  table: string;
  /** In partition-key order, as strings (Glue's Values). */
  values: string[];
  /** Folder path relative to the table's root, e.g. `year=2024/month=01`. */
  location: string;
  files: string[];
  rowCount?: number;
  sizeBytes: number;
}

/** Glue's column statistics, for one column of one table version: as the engine computes them. */
export type { ColumnStatistics };

export interface TableStatistics {
  database: string;
  table: string;
  version: number;
  computedAt: number;
  rowCount: number;
  columns: ColumnStatistics[];
}

/** Column-level difference between two schemas. */
export type SchemaChange =
  | { kind: 'added'; column: CatalogColumn }
  | { kind: 'removed'; column: CatalogColumn }
  | { kind: 'type-changed'; name: string; from: string; to: string }
  | { kind: 'comment-changed'; name: string; from: string; to: string };

/** What one crawler run did (Glue's CrawlerRun/metrics), kept for the Runs history. */
export interface CrawlerRun {
  id: string;
  crawler: string;
  /** RUNNING from its start (a closed tab leaves it so, until the start-up sweep fails it). */
  state: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  startedAt: number;
  /** Equal to startedAt while RUNNING. */
  endedAt: number;
  /**
   * Time spent working (listing, classifying, writing), without the time the plan waited for
   * the user's Commit. Absent in older records and for runs that never planned: then the run's
   * duration is endedAt − startedAt.
   */
  activeMs?: number;
  database: string;
  /** The dropped folders and files, by name. */
  sources: string[];
  tablesCreated: string[];
  tablesUpdated: string[];
  partitions: number;
  filesRead: number;
  bytesRead: number;
  /** Files not made into tables, with why (at most the first 1,000). */
  skipped: { path: string; reason: string }[];
  error?: string;
  /** Since v3: tables marked deprecated or deleted because their files are gone. */
  tablesDeprecated?: string[];
  tablesDeleted?: string[];
  /** Since v3: schema changes the policy only logged, e.g. "sales: added column note VARCHAR". */
  logged?: string[];
}

/**
 * A saved custom CSV classifier (Glue's CsvClassifier; its fields are documented on
 * CsvClassifierSettings). Crawlers that list it try it before the built-in CSV sniffer; a file
 * it does not fit (wrong column count, header mismatch, a line that does not parse) falls
 * through to the next classifier and then the built-ins, as in Glue.
 */
export interface CsvClassifier extends CsvClassifierSettings {
  createdAt: number;
  updatedAt: number;
}

/** Where a saved crawler reads. Handles are kept so a recrawl needs no new drop or pick. */
export type CrawlerSource =
  | { kind: 'directory'; name: string; handle: FileSystemDirectoryHandle }
  | { kind: 'file'; path: string; handle: FileSystemFileHandle }
  /** A dropped file without a handle, copied into OPFS so it can be crawled again. */
  | { kind: 'opfs'; path: string; opfsPath: string; size: number; lastModified: number }
  /** An HTTP(S) or presigned S3 GET URL; `path` names it in tables and partitions. */
  | { kind: 'url'; path: string; url: string }
  /** A presigned ListObjectsV2 URL, with presigned GET URLs for the objects it lists. */
  | { kind: 's3-list'; name: string; listUrl: string; objectUrls: Record<string, string> }
  /** An S3 prefix listed and read with the credentials held in the tab; no secret is kept. */
  | { kind: 's3-prefix'; bucket: string; prefix: string; region: string; endpoint?: string };

/** Glue's SchemaChangePolicy. */
export interface SchemaChangePolicy {
  update: 'UPDATE_IN_DATABASE' | 'LOG';
  delete: 'LOG' | 'DELETE_FROM_DATABASE' | 'DEPRECATE_IN_DATABASE';
}

/** A saved crawler (Glue's Crawler): what it reads, how it classifies, what it may change. */
export interface Crawler {
  name: string;
  description: string;
  database: string;
  tablePrefix: string;
  sources: CrawlerSource[];
  exclusions: string[];
  /** Names of custom classifiers, tried in this order before the built-ins. */
  classifiers: string[];
  /** Files sampled per leaf folder (Glue's SampleSize); undefined: every file. */
  sampleSize?: number;
  /** Stop, with an explanation, when a crawl would make more tables than this. */
  tableThreshold?: number;
  schemaChangePolicy: SchemaChangePolicy;
  recrawlPolicy: 'CRAWL_EVERYTHING' | 'CRAWL_NEW_FOLDERS_ONLY';
  /** Keep OPFS copies of dropped files that have no handle, so tables survive a reload. */
  keepCopies: boolean;
  createdAt: number;
  updatedAt: number;
}
