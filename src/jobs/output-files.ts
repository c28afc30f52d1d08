/**
 * Where a job target's files go inside its output folder, and the catalog table that describes
 * them afterwards. Pure functions: the app writes the files and commits the table.
 */
import type { CatalogPartition, CatalogTable, TableSource } from '../catalog';
import type { TargetWriteFormat } from './nodes/target';

/** Hive's name for a NULL (or empty) partition value; the crawler reads it back as NULL. */
export const HIVE_NULL = '__HIVE_DEFAULT_PARTITION__';

/** Characters Hive escapes in a partition value (as %XX), plus what file systems refuse. */
// eslint-disable-next-line no-control-regex -- control characters are what it escapes
const ESCAPED = /[\u0000-\u001f\u007f"#%'*/:=?\\{}[\]^<>|]/gu;

/** `value` as a folder name's value part: `a/b` → `a%2Fb`; null or '' → HIVE_NULL. */
export function escapePartitionValue(value: string | null): string {
  if (value === null || value === '') return HIVE_NULL;
  const escaped = value.replace(
    ESCAPED,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  // A folder named `.` or `..` (or ending in a dot or space) is refused by file systems.
  return escaped.replace(/^\.|\.$|^ | $/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `year=2024/month=01` for keys [year, month] and values ['2024', '01']; '' for none. */
export function partitionFolder(
  keys: readonly string[],
  values: readonly (string | null)[],
): string {
  return keys
    .map((k, i) => `${escapePartitionValue(k)}=${escapePartitionValue(values[i] ?? null)}`)
    .join('/');
}

/** `.parquet`, `.csv`, `.csv.gz`, `.ndjson`, `.ndjson.gz`. */
export function outputExtension(f: TargetWriteFormat): string {
  if (f.kind === 'parquet') return '.parquet';
  const gz = f.compression === 'gzip' ? '.gz' : '';
  return (f.kind === 'csv' ? '.csv' : '.ndjson') + gz;
}

/**
 * A file's name in its folder: `part-<run>-00000.parquet`. Unique per run, so a later run
 * adds files next to earlier ones (Glue's append) and never overwrites them.
 */
export function partFileName(runId: string, index: number, f: TargetWriteFormat): string {
  return `${partFilePrefix(runId)}${String(index).padStart(5, '0')}${outputExtension(f)}`;
}

/** What every file name of run `runId` starts with: `part-<run>-`. */
export const partFilePrefix = (runId: string) => `part-${runId}-`;

/** A written file, for the catalog. */
export interface WrittenFile {
  /** Relative to the output folder (the table's root): `year=2024/part-….parquet`. */
  path: string;
  /** Partition values as text, in key order (HIVE_NULL for NULL). */
  values: string[];
  rows: number;
  bytes: number;
  source: TableSource;
}

export interface OutputTableInput {
  database: string;
  table: string;
  job: string;
  format: TargetWriteFormat;
  columns: readonly { name: string; type: string }[];
  keys: readonly { name: string; type: string }[];
  files: readonly WrittenFile[];
  /** The table as it is now, when it exists: a job's earlier output is appended to. */
  current?: { table: CatalogTable; partitions: readonly CatalogPartition[] };
}

/**
 * The catalog table over a target's output: this run's files, after the earlier files of the
 * table when it is the same job's output in the same format and partition keys (Glue's append);
 * otherwise only this run's files. Partitions are merged by location.
 */
export function outputTableDraft(o: OutputTableInput): {
  draft: Omit<CatalogTable, 'version' | 'createdAt' | 'updatedAt'>;
  partitions: CatalogPartition[];
} {
  const classification = o.format.kind === 'ndjson' ? 'json' : o.format.kind;
  const cur = o.current;
  const append =
    cur !== undefined &&
    cur.table.classification === classification &&
    cur.table.updatedBy.kind === 'job' &&
    cur.table.updatedBy.name === o.job &&
    sameNames(
      cur.table.partitionKeys.map((k) => k.name),
      o.keys.map((k) => k.name),
    );
  const newPaths = new Set(o.files.map((f) => f.path));
  const earlier = append ? cur.table.sources.filter((s) => !newPaths.has(s.path)) : [];
  const sources = [...earlier, ...o.files.map((f) => f.source)];
  const byLocation = new Map<string, CatalogPartition>();
  if (append)
    for (const p of cur.partitions) {
      const files = p.files.filter((f) => !newPaths.has(f));
      byLocation.set(p.location, { ...p, files });
    }
  for (const f of o.files) {
    if (o.keys.length === 0) continue;
    const location = f.path.split('/').slice(0, -1).join('/');
    const p = byLocation.get(location) ?? {
      database: o.database,
      table: o.table,
      values: f.values,
      location,
      files: [],
      rowCount: 0,
      sizeBytes: 0,
    };
    byLocation.set(location, {
      ...p,
      files: [...p.files, f.path],
      rowCount: p.rowCount === undefined ? undefined : p.rowCount + f.rows,
      sizeBytes: p.sizeBytes + f.bytes,
    });
  }
  const rowsBefore = append ? cur.table.parameters.recordCount : 0;
  const rows = o.files.reduce((n, f) => n + f.rows, 0);
  const bytes = o.files.reduce((n, f) => n + f.bytes, 0);
  const csv =
    o.format.kind === 'csv'
      ? {
          delimiter: o.format.delimiter,
          quote: o.format.quote,
          escape: o.format.quote,
          header: o.format.header,
          compression: o.format.compression,
        }
      : {};
  return {
    draft: {
      database: o.database,
      name: o.table,
      description: cur?.table.description || `The output of job "${o.job}".`,
      classification,
      sources,
      columns: o.columns.map((c) => ({ name: c.name, type: c.type, comment: '' })),
      partitionKeys: o.keys.map((c) => ({ name: c.name, type: c.type, comment: '' })),
      parameters: {
        ...csv,
        recordCount: rowsBefore === undefined ? undefined : rowsBefore + rows,
        sizeBytes: (append ? (cur.table.parameters.sizeBytes ?? 0) : 0) + bytes,
        objectCount: sources.length,
      },
      updatedBy: { kind: 'job', name: o.job },
    },
    partitions: [...byLocation.values()]
      .filter((p) => p.files.length > 0)
      .sort((a, b) => (a.location < b.location ? -1 : 1)),
  };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
