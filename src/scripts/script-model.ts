/**
 * What the script exports read besides the job: the catalog tables its sources read (with the
 * settings the tab reads them with), what probes found, and where the files are. Plain data.
 */
import type { CsvDialect } from '../core/csv/dialect';
import type { NodeColumn, NodeFacts, NodeId } from '../jobs';

/** A catalog table as a script reads it: the catalog's own settings, and its files' location. */
export interface ScriptTable {
  database: string;
  name: string;
  classification: 'csv' | 'json' | 'parquet';
  /** The folder (or s3:// prefix) holding the table's files; a variable the user may override. */
  location: string;
  /** CSV only: exactly the dialect the catalog holds. */
  dialect?: CsvDialect;
  columns: readonly { name: string; type: string }[];
  /** Hive-style `key=value` folders under `location`, in order. */
  partitionKeys: readonly { name: string; type: string }[];
  /** What the table's file names end with: `.csv`, `.csv.gz`, `.ndjson`, `.json`, `.parquet`. */
  suffix: string;
  /** Why a script cannot read the table as the tab does (flagged on the nodes that read it). */
  problems?: string[];
}

export interface ScriptContext {
  tables: readonly ScriptTable[];
  /** What the tab's probes found (Pivot values, Drop Null Fields' columns): the script keeps them. */
  facts?: ReadonlyMap<NodeId, NodeFacts>;
  /** Nodes' output columns as the tab's engine described them (types guide translations). */
  schemas?: ReadonlyMap<NodeId, readonly NodeColumn[]>;
  /** The folder targets write under; default `.` (the working directory). */
  output?: string;
  /** Dropped files' locations by their registered name (default: the name, beside the script). */
  files?: Readonly<Record<string, string>>;
}

/** Something a script does not carry over exactly, said of one node (or of the job). */
export interface ScriptFlag {
  nodeId?: NodeId;
  /** Said of the job: names the node. */
  message: string;
  /** Said on the node itself (no label). */
  detail?: string;
}

export interface GeneratedScript {
  /** `duckdb` (SQL for the native CLI) or `pyspark` (an AWS Glue job script). */
  engine: 'duckdb' | 'pyspark';
  /** A download name, e.g. `daily_sales.sql`. */
  fileName: string;
  text: string;
  /** Empty when the script computes exactly what the tab does. */
  flags: ScriptFlag[];
}

/** `daily sales` → `daily_sales`: a file or module name from a job name. */
export function scriptBaseName(jobName: string): string {
  const base = jobName
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return base === '' ? 'job' : base;
}

/** The table of a catalog source, by `database.table` (names as typed: case-sensitive). */
export function scriptTable(
  ctx: ScriptContext,
  database: string,
  name: string,
): ScriptTable | undefined {
  return ctx.tables.find((t) => t.database === database && t.name === name);
}
