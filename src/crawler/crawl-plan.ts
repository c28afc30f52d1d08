/** What a crawl proposes to write to the catalog, before anything is written. */
import type { Classification } from '../catalog';
import type { ClassifiedFile } from './crawl-file';

export interface CrawlOptions {
  /**
   * Globs matched against each file's whole path from the crawl root, as Glue's exclusions are:
   * `*` and `?` stay inside one folder, `**` crosses folders, `{a,b}` is either. So `*.crc` only
   * matches at the top; `**\/*.crc` matches at any depth. Default: none.
   */
  exclusions?: string[];
  /** Prepended to every table name, then the whole name is made a valid table name. Default ''. */
  tablePrefix?: string;
  /** The most tables one crawl may make; more throws a DecantError that lists them. Default: no limit. */
  tableThreshold?: number;
  /**
   * Glue's CombineCompatibleSchemas. Default true: files whose columns widen to one schema share a
   * table (BIGINT+DOUBLE → DOUBLE, DATE+TIMESTAMP → TIMESTAMP, anything+VARCHAR → VARCHAR, a
   * column some files lack is added), unless they have no column name in common. False: files
   * share a table only when their columns are the same names, in the same order, of the same types.
   */
  combineCompatibleSchemas?: boolean;
  /**
   * The crawl root's own name, when the root is itself a dataset (a picked folder, an S3 prefix)
   * rather than a drop of several things. With it, the root can become one table of that name.
   * Default: none — the root is only a container, and each dropped folder or file is its own
   * candidate.
   */
  rootName?: string;
}

export interface PartitionPlan {
  /** In partition-key order (Glue's Values); `__HIVE_DEFAULT_PARTITION__` stands for NULL. */
  values: string[];
  /** Folder path relative to the table root, e.g. `year=2024/month=01`. */
  location: string;
  /** Paths relative to the crawl root, sorted. */
  files: string[];
  sizeBytes: number;
  /** Sum of the files' row counts, when every file has one. */
  rowCount?: number;
}

export interface TablePlan {
  /** Lower-case `[a-z0-9_]`, prefixed, unique within the plan. */
  name: string;
  /** Folder path of the table root relative to the crawl root; '' for the crawl root. */
  root: string;
  classification: Classification;
  /** The format key that reads every file of the table (their keys merged). */
  formatKey: string;
  /** The files' columns merged, in order of first appearance. */
  columns: { name: string; type: string }[];
  partitionKeys: { name: string; type: string }[];
  /** Sorted by location; empty for a table without partition keys (as in Glue). */
  partitions: PartitionPlan[];
  /** Sorted by path. */
  files: ClassifiedFile[];
  sizeBytes: number;
  /** Sum of the files' row counts, when every file has one. */
  rowCount?: number;
  /** Why this table is not part of a larger one, when the crawler had to split a folder. */
  note?: string;
}

export interface CrawlPlan {
  /** Sorted by name. */
  tables: TablePlan[];
  /** Sorted by path. */
  skipped: { path: string; reason: string }[];
}
