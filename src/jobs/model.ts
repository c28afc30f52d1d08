/**
 * An ETL job (Glue Studio's visual job): a DAG of typed nodes — sources, transforms, targets —
 * joined by edges, with parameters, a bookmark mode, a timeout and retries. Plain,
 * structured-cloneable JSON: no classes, no functions, no handles. Node ids are stable for the
 * life of a node (CTEs, run metrics and bookmarks are keyed by them); names are what users see.
 * Over 400 lines on purpose: the whole job format (every node kind's options, one union) and
 * its migrations are read together whenever the format changes.
 */
import type { BadRowPolicy, ColumnInfo, CsvDialect } from '../core/csv/dialect';
import { DecantError } from '../core/errors';

/** Bumped when a saved job needs migrating to be read; `migrateJob` knows every older one. */
export const JOB_FORMAT_VERSION = 1;

export type NodeId = string;

export interface Job {
  formatVersion: typeof JOB_FORMAT_VERSION;
  name: string;
  description: string;
  nodes: JobNode[];
  edges: JobEdge[];
  /** Glue's job arguments (`--name value`), defaults a run may override. */
  parameters: JobParameter[];
  /** Glue's job bookmarks: 'disable' (default) reads everything every run. */
  bookmarks: BookmarkMode;
  /** A run longer than this stops in state TIMEOUT. Default 60. */
  timeoutMinutes: number;
  /** Times a failed run is tried again. Default 0. */
  maxRetries: number;
}

/**
 * `enable`: read only files not processed by an earlier successful run, then remember them;
 * `disable`: read everything, remember nothing; `pause`: read only new files, remember nothing.
 */
export type BookmarkMode = 'enable' | 'disable' | 'pause';

/** `--name value`; `name` without the dashes, e.g. `region`. Used as `${region}`. */
export interface JobParameter {
  name: string;
  value: string;
}

/** Data flows `from` → `to`; `port` says which input of `to` it is (0 first; Join: 0 left, 1 right). */
export interface JobEdge {
  from: NodeId;
  to: NodeId;
  port: number;
}

interface NodeBase {
  id: NodeId;
  /** Shown on the canvas and in messages, e.g. `orders+customers`. */
  name: string;
  /** Canvas position; not used by the compiler. */
  position?: { x: number; y: number };
}

// ---- conditions (Filter, and a catalog source's partition predicate) -------------------------

export type FilterOp = 'EQ' | 'LT' | 'GT' | 'LTE' | 'GTE' | 'REGEX' | 'ISNULL';

/**
 * A constant (may hold `${param}`, substituted before quoting) or another column. A constant is
 * compared as the column's type: `'10'` against a BIGINT column compares numbers.
 */
export type FilterValue = { kind: 'constant'; value: string } | { kind: 'column'; column: string };

export interface FilterCondition {
  column: string;
  op: FilterOp;
  /** Not used by ISNULL; REGEX takes a constant pattern (RE2 syntax, matches anywhere). */
  value?: FilterValue;
  /** NOT (…). Default false. */
  negated?: boolean;
}

/** Conditions (or nested groups) combined with AND or OR; an empty group is true. */
export interface FilterGroup {
  combine: 'AND' | 'OR';
  clauses: FilterClause[];
  negated?: boolean;
}

export type FilterClause = FilterCondition | FilterGroup;

// ---- sources ---------------------------------------------------------------------------------

/** Glue's Data Catalog source: `database.table`, optionally only the partitions a predicate keeps. */
export interface CatalogSourceNode extends NodeBase {
  kind: 'catalog-source';
  options: {
    database: string;
    table: string;
    /** On partition keys only: which partitions' files are read at all (push-down). */
    partitionPredicate?: FilterGroup;
  };
}

/** A dropped CSV file, read as the user saw it in Quick convert. */
export interface FileSourceNode extends NodeBase {
  kind: 'file-source';
  options: {
    /** The name the file is registered under with DuckDB. */
    path: string;
    dialect: CsvDialect;
    columns: ColumnInfo[];
    /** Default 'error'. */
    badRows?: BadRowPolicy;
  };
}

// ---- transforms ------------------------------------------------------------------------------

/** What a value that does not convert becomes: 'fail' (default) stops the run and says where. */
export type ConvertErrors = 'fail' | 'null';

/** Glue's ApplyMapping: rename, cast, drop and reorder in one node. */
export interface ChangeSchemaNode extends NodeBase {
  kind: 'change-schema';
  options: {
    /** Output columns in this order. */
    mappings: { from: string; to: string; type?: string; drop?: boolean }[];
    /** Input columns with no mapping: 'drop' (default, as Glue) or 'keep' (after the mapped ones). */
    unmapped?: 'drop' | 'keep';
    onCastError?: ConvertErrors;
  };
}

export interface SelectFieldsNode extends NodeBase {
  kind: 'select-fields';
  options: { columns: string[] };
}

export interface DropFieldsNode extends NodeBase {
  kind: 'drop-fields';
  options: { columns: string[] };
}

export interface RenameFieldNode extends NodeBase {
  kind: 'rename-field';
  options: { from: string; to: string };
}

export interface FilterNode extends NodeBase {
  kind: 'filter';
  options: { filter: FilterGroup };
}

export type JoinType = 'inner' | 'left' | 'right' | 'outer' | 'left-semi' | 'left-anti';

/**
 * Equi-join of input 0 (left) and 1 (right). A right column named like a left one is renamed
 * `rightPrefix + name`, as Glue Studio's "Resolve it" does; semi and anti joins keep only the left.
 */
export interface JoinNode extends NodeBase {
  kind: 'join';
  options: {
    type: JoinType;
    on: { left: string; right: string }[];
    /** Default `(right)`. */
    rightPrefix?: string;
  };
}

/** Two or more inputs; by position (default) or by name (missing columns NULL). */
export interface UnionNode extends NodeBase {
  kind: 'union';
  options: { mode: 'all' | 'distinct'; byName?: boolean };
}

export type AggregateFn =
  | 'count'
  | 'countDistinct'
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'first'
  | 'last'
  | 'stddev_samp'
  | 'stddev_pop'
  | 'var_samp'
  | 'var_pop';

export interface Aggregation {
  /** `*` only with count. */
  column: string;
  fn: AggregateFn;
  /** Output name; default Spark's: `sum(price)`, `count(DISTINCT id)`, `count(1)` for `*`. */
  as?: string;
}

export interface AggregateNode extends NodeBase {
  kind: 'aggregate';
  options: { groupBy: string[]; aggregations: Aggregation[] };
}

/** A new (or replaced) column from a DuckDB SQL expression; `${param}` is a quoted value. */
export interface DerivedColumnNode extends NodeBase {
  kind: 'derived-column';
  options: { column: string; expression: string };
}

export type FillStrategy = 'constant' | 'mean' | 'median' | 'mode' | 'previous';

export interface FillMissingValuesNode extends NodeBase {
  kind: 'fill-missing-values';
  options: {
    fills: {
      column: string;
      strategy: FillStrategy;
      /** For 'constant'; may hold `${param}`. */
      value?: string;
      /** Put the filled values in a new column; default: fill in place. */
      as?: string;
    }[];
    /** For 'previous': the row order; default the input's order. */
    orderBy?: string[];
  };
}

/** Drops the columns whose every value is NULL (found by a probe; see describe.ts). */
export interface DropNullFieldsNode extends NodeBase {
  kind: 'drop-null-fields';
  options: Record<string, never>;
}

/** Keeps the first of each set of equal rows, in input order. */
export interface DropDuplicatesNode extends NodeBase {
  kind: 'drop-duplicates';
  /** Compare these columns; empty (default): whole rows. */
  options: { columns: string[] };
}

/** A string column split by a regular expression (RE2) into a VARCHAR[] column. */
export interface SplitStringNode extends NodeBase {
  kind: 'split-string';
  options: { column: string; pattern: string; as?: string };
}

export interface ConcatenateColumnsNode extends NodeBase {
  kind: 'concatenate-columns';
  options: {
    columns: string[];
    as: string;
    /** Between values; default ''. */
    spacer?: string;
    /** Text for a NULL value; default: a NULL value is left out. */
    nullValue?: string;
  };
}

/** Glue's Pivot Rows Into Columns: one column per value of `pivotColumn`, grouped by the rest. */
export interface PivotNode extends NodeBase {
  kind: 'pivot';
  options: {
    pivotColumn: string;
    valueColumn: string;
    fn: AggregateFn;
    /** The new columns; default: every non-NULL value found by a probe (at most 1,000). */
    values?: string[];
  };
}

/** Glue's Unpivot Columns Into Rows. */
export interface UnpivotNode extends NodeBase {
  kind: 'unpivot';
  options: {
    columns: string[];
    /** Defaults `name` and `value`. */
    nameColumn?: string;
    valueColumn?: string;
    /** Keep rows whose value is NULL; default false. */
    includeNulls?: boolean;
  };
}

/** Struct columns become columns `parent.child`. */
export interface FlattenNode extends NodeBase {
  kind: 'flatten';
  options: {
    /** Default `.`. */
    separator?: string;
    /** Levels of nesting to undo; default all. */
    maxLevels?: number;
  };
}

/** Glue's Explode Array Or Map Into Rows: one row per element (a map's as `{key, value}`). */
export interface ExplodeNode extends NodeBase {
  kind: 'explode';
  options: {
    column: string;
    /** Default: replace the column. */
    as?: string;
    /** Keep rows whose array is empty or NULL, with NULL; default false (as Spark's explode). */
    keepEmpty?: boolean;
  };
}

export type TimestampInput =
  | { kind: 'auto' }
  | { kind: 'epoch'; unit: 's' | 'ms' | 'us' }
  /** strptime pattern, e.g. `%d/%m/%Y %H:%M`. */
  | { kind: 'pattern'; pattern: string };

export interface ToTimestampNode extends NodeBase {
  kind: 'to-timestamp';
  options: { column: string; from: TimestampInput; as?: string; onError?: ConvertErrors };
}

export interface FormatTimestampNode extends NodeBase {
  kind: 'format-timestamp';
  /** strftime pattern, e.g. `%Y-%m-%d`. */
  options: { column: string; pattern: string; as?: string };
}

export interface AddCurrentTimestampNode extends NodeBase {
  kind: 'add-current-timestamp';
  /** The run's start (UTC), the same in every row; a `pattern` makes it text. */
  options: { column: string; pattern?: string };
}

export interface IdentifierNode extends NodeBase {
  kind: 'identifier';
  /** 'row-number': 1, 2, … in input order (BIGINT); 'uuid': a random UUID as text. */
  options: { column: string; type: 'row-number' | 'uuid' };
}

export interface LimitNode extends NodeBase {
  kind: 'limit';
  options: { count: number; offset?: number };
}

/** Glue's SQL Query: one SELECT over the inputs under their aliases. */
export interface SqlQueryNode extends NodeBase {
  kind: 'sql-query';
  options: {
    query: string;
    /** By input node id; default `input1`, `input2`, … by port. */
    aliases: Record<NodeId, string>;
  };
}

/** What Detect Sensitive Data does with a value that holds an entity (or with a column). */
export type SensitiveAction = 'detect' | 'redact' | 'partial' | 'hash' | 'drop';

/**
 * One action. `column` empty: every checked column; `entity` empty: any entity. `drop` takes
 * a column and no entity (what a job writes cannot depend on the data).
 */
export interface SensitiveRule {
  column?: string;
  entity?: string;
  action: SensitiveAction;
}

/** A user's entity type: an RE2 pattern, looked for only in columns whose name holds a context word. */
export interface CustomEntityType {
  name: string;
  pattern: string;
  /** Words one of which a column's name must hold (any case); none: every column. */
  contextWords?: string[];
}

/** Glue Studio's Detect Sensitive Data: entities found per cell or per column, then masked. */
export interface DetectSensitiveDataNode extends NodeBase {
  kind: 'detect-sensitive-data';
  options: {
    /** 'cell': every value is checked; 'column': a column holds an entity when `threshold` of its values do. */
    scope: 'cell' | 'column';
    /** Share of a column's non-NULL values; default 0.1. */
    threshold?: number;
    /** Entity types looked for (built-in or custom names); default every one. */
    entities?: string[];
    customEntities?: CustomEntityType[];
    /** Columns checked; default every text (VARCHAR) column. */
    columns?: string[];
    rules: SensitiveRule[];
    /** Put before each value hashed (kept with the job: the same salt gives the same tokens). */
    salt: string;
    /** A redacted value reads `[REDACTED]` ('text', default) or its entity type (`[EMAIL]`). */
    redactWith?: 'text' | 'entity';
    /** The column a `detect` action adds, listing `column: ENTITY` found in the row; default `DetectedEntities`. */
    detectedColumn?: string;
  };
}

// ---- targets ---------------------------------------------------------------------------------

/** What a failing ruleset does to the run (Glue Studio's "Data quality actions"). */
export type DataQualityFailureAction = 'fail-before-write' | 'fail-after-write' | 'continue';

/** Glue Studio's Evaluate Data Quality: a DQDL ruleset checked on the input during the run. */
export interface EvaluateDataQualityNode extends NodeBase {
  kind: 'evaluate-data-quality';
  options: {
    /** The DQDL text (`Rules = [ … ]`). */
    ruleset: string;
    /** Add Glue's row-level outcome columns (DataQualityRulesPass, …, DataQualityEvaluationResult). */
    rowLevelOutcomes: boolean;
    onFailure: DataQualityFailureAction;
  };
}

export type TargetFormat =
  | {
      kind: 'parquet';
      /** Default 'zstd'. */
      compression?: 'zstd' | 'snappy' | 'gzip' | 'none';
      /** Rows per row group; default 1,048,576. */
      rowGroupSize?: number;
    }
  | {
      kind: 'csv';
      /** Defaults `,`, `"`, true, 'none'. */
      delimiter?: string;
      quote?: string;
      header?: boolean;
      compression?: 'none' | 'gzip';
    }
  | { kind: 'ndjson'; compression?: 'none' | 'gzip' };

/** An S3 target's place: `s3://bucket/prefix/` in `region`. */
export interface S3TargetPlace {
  bucket: string;
  /** As typed: '' or a prefix; the files go under it as under a folder. */
  prefix: string;
  region: string;
  /** An S3-compatible endpoint (path-style); absent: AWS. */
  endpoint?: string;
}

export interface TargetNode extends NodeBase {
  kind: 'target';
  options: {
    format: TargetFormat;
    /** Columns whose values make `key=value` folders; default none. */
    partitionKeys: string[];
    destination: 'download' | 'folder' | 'opfs' | 's3';
    /** File (or folder, when partitioned) name; default the node's name. */
    path?: string;
    /** Where an `s3` target writes (never a credential: runs sign with the tab's). */
    s3?: S3TargetPlace;
    /** Register or update this catalog table with the output. */
    catalog?: { database: string; table: string };
  };
}

export type SourceNode = CatalogSourceNode | FileSourceNode;

export type TransformNode =
  | ChangeSchemaNode
  | SelectFieldsNode
  | DropFieldsNode
  | RenameFieldNode
  | FilterNode
  | JoinNode
  | UnionNode
  | AggregateNode
  | DerivedColumnNode
  | FillMissingValuesNode
  | DropNullFieldsNode
  | DropDuplicatesNode
  | SplitStringNode
  | ConcatenateColumnsNode
  | PivotNode
  | UnpivotNode
  | FlattenNode
  | ExplodeNode
  | ToTimestampNode
  | FormatTimestampNode
  | AddCurrentTimestampNode
  | IdentifierNode
  | LimitNode
  | SqlQueryNode
  | EvaluateDataQualityNode
  | DetectSensitiveDataNode;

export type JobNode = SourceNode | TransformNode | TargetNode;

export type NodeKind = JobNode['kind'];

/** The node of kind `K`. */
export type NodeOf<K extends NodeKind> = Extract<JobNode, { kind: K }>;

/** An empty job with the defaults. */
export function newJob(name: string): Job {
  return {
    formatVersion: JOB_FORMAT_VERSION,
    name,
    description: '',
    nodes: [],
    edges: [],
    parameters: [],
    bookmarks: 'disable',
    timeoutMinutes: 60,
    maxRetries: 0,
  };
}

/** `base-1`, `base-2`, …: the first id no node of `job` has (ids compare without ASCII case). */
export function newNodeId(job: Pick<Job, 'nodes'>, base: string): NodeId {
  const taken = new Set(job.nodes.map((n) => n.id.toLowerCase()));
  for (let i = 1; ; i++) {
    const id = `${base}-${i}`;
    if (!taken.has(id.toLowerCase())) return id;
  }
}

/**
 * A saved job as this version reads it. Throws a `job:` DecantError for a newer format or one that is
 * not a job at all.
 */
export function migrateJob(saved: unknown): Job {
  const j = saved as Partial<Job> | null;
  if (!j || typeof j !== 'object' || !Array.isArray(j.nodes) || !Array.isArray(j.edges))
    throw new DecantError('job: this is not a saved job (no nodes and edges)');
  if (j.formatVersion !== JOB_FORMAT_VERSION)
    throw new DecantError(
      `job: format ${String(j.formatVersion)} is not one this version of Decant reads ` +
        `(it reads ${JOB_FORMAT_VERSION})`,
    );
  return j as Job;
}
