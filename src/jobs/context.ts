import type { CatalogPartition, CatalogTable } from '../catalog';
import type { CsvDialect } from '../core/csv/dialect';
import type { NodeColumn } from './columns';
import type { NodeId } from './model';

/**
 * A catalog table a job reads, as the catalog describes it. With `scan`, a source that reads only
 * some partitions (or only files no earlier run processed) reads just those files; without it,
 * it reads the engine's view `"database"."table"` and filters rows, so every file is read.
 */
export interface SourceTable extends Pick<CatalogTable, 'database' | 'name'> {
  columns: readonly { name: string; type: string }[];
  partitionKeys: readonly { name: string; type: string }[];
  /** The table's partitions ([] when it has no partition keys). */
  partitions: readonly CatalogPartition[];
  scan?: {
    dialect: CsvDialect;
    /**
     * Every file of the table, in the table's order: its catalog path (as in
     * `CatalogPartition.files`) and the name the engine registered it under.
     */
    files: readonly { path: string; registered: string }[];
  };
  /**
   * For tables whose files the engine cannot pick by name (Parquet, JSON): the catalog paths
   * this run reads (its bookmark's unprocessed files), which the runner loaded into a table of
   * their own, `ref` (a quoted, qualified name or a typed empty subquery).
   */
  subset?: { ref: string; files: readonly string[] };
}

/** What probes found in the data (see describe.ts), for nodes whose SQL depends on it. */
export interface NodeFacts {
  /** Drop Null Fields: the input's columns whose every value is NULL. */
  nullColumns?: readonly string[];
  /** Pivot: the pivot column's values, when the node does not list them. */
  pivotValues?: readonly string[];
}

/** Everything a compile reads besides the job; all optional. */
export interface CompileContext {
  /** The catalog tables the job's catalog sources read. */
  tables?: readonly SourceTable[];
  /** Nodes' output columns as the engine described them (trusted over what the compiler infers). */
  schemas?: ReadonlyMap<NodeId, readonly NodeColumn[]>;
  facts?: ReadonlyMap<NodeId, NodeFacts>;
  /** A run's arguments, by parameter name (without `--`); they override the job's values. */
  arguments?: Readonly<Record<string, string>>;
  /** Bookmarks: catalog paths each source already processed; those files are not read again. */
  processedFiles?: ReadonlyMap<NodeId, readonly string[]>;
  /**
   * The engine's main catalog (`memory`), to name tables `"memory"."db"."t"`: needed when a
   * database is called like one of DuckDB's own catalogs (`temp`, `system`). Default: two parts.
   */
  mainCatalog?: string;
  /**
   * For previews: each source reads at most this many rows (Glue Studio previews a sample too),
   * so a node over a 1 GB table answers in about a second. Runs never set it.
   */
  sourceSample?: number;
}
