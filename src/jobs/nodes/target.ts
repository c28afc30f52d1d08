import { quotedName } from '../../core/quoted-name';
import { duplicateName, sameName } from '../columns';
import type { TargetFormat } from '../model';
import { s3TargetIssues } from '../s3-target';
import { needColumn, only, type BuildEnv, type NodeModule } from './node-module';

/**
 * Rows per Parquet row group when none is set: DuckDB's size, small enough that the encoder
 * flushes row groups while the engine scans on, and holds only one.
 */
export const DEFAULT_ROW_GROUP_SIZE = 122_880;

/** A target's format with every default filled in. */
export type TargetWriteFormat =
  | { kind: 'parquet'; compression: 'zstd' | 'snappy' | 'gzip' | 'none'; rowGroupSize: number }
  | { kind: 'csv'; delimiter: string; quote: string; header: boolean; compression: 'none' | 'gzip' }
  | { kind: 'ndjson'; compression: 'none' | 'gzip' };

/** The format with its defaults (zstd Parquet, comma-separated CSV with a header). */
export function writeFormat(f: TargetFormat): TargetWriteFormat {
  switch (f.kind) {
    case 'parquet':
      return {
        kind: 'parquet',
        compression: f.compression ?? 'zstd',
        rowGroupSize: f.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE,
      };
    case 'csv':
      return {
        kind: 'csv',
        delimiter: f.delimiter ?? ',',
        quote: f.quote ?? '"',
        header: f.header ?? true,
        compression: f.compression ?? 'none',
      };
    case 'ndjson':
      return { kind: 'ndjson', compression: f.compression ?? 'none' };
  }
}

function checkFormat(f: TargetFormat, env: BuildEnv): void {
  if (f.kind === 'parquet') {
    if (f.compression !== undefined && !['zstd', 'snappy', 'gzip', 'none'].includes(f.compression))
      env.issue(
        `${quotedName(f.compression)} is not a Parquet compression (zstd, snappy, gzip, none)`,
      );
    if (
      f.rowGroupSize !== undefined &&
      !(Number.isSafeInteger(f.rowGroupSize) && f.rowGroupSize > 0)
    )
      env.issue(`a row group must hold a whole number of rows > 0, not ${f.rowGroupSize}`);
  } else if (f.kind === 'csv') {
    if (f.delimiter !== undefined && [...f.delimiter].length !== 1)
      env.issue(`the delimiter must be one character, not ${quotedName(f.delimiter)}`);
    if (f.quote !== undefined && [...f.quote].length > 1)
      env.issue(`the quote must be one character or none, not ${quotedName(f.quote)}`);
  } else if (f.kind !== 'ndjson') {
    env.issue(
      `${quotedName(String((f as { kind: unknown }).kind))} is not a format (parquet, csv, ndjson)`,
    );
  }
}

/**
 * Where rows are written: the compiler gives its SELECT (every input column) and the write
 * options as data; writing (and dropping partition keys from the files, Hive-style) is the
 * runner's. Partition keys must be input columns, and leave at least one column to write.
 */
export const target: NodeModule<'target'> = {
  kind: 'target',
  title: 'Target',
  category: 'target',
  inputs: { min: 1, max: 1 },
  defaults: () => ({ format: { kind: 'parquet' }, partitionKeys: [], destination: 'download' }),
  build(node, inputs, env) {
    const input = only(inputs);
    const { format, partitionKeys } = node.options;
    checkFormat(format, env);
    for (const k of partitionKeys) needColumn(input, k, env);
    const twice = duplicateName(partitionKeys);
    if (twice !== undefined) env.issue(`partition key ${quotedName(twice)} is listed twice`);
    if (
      input.columns &&
      input.columns.length > 0 &&
      input.columns.every((c) => partitionKeys.some((k) => sameName(k, c.name)))
    )
      env.issue('every column is a partition key: leave at least one to write into the files');
    const dest = node.options.destination;
    if (!['download', 'folder', 'opfs', 's3'].includes(dest))
      env.issue(`${quotedName(String(dest))} is not a destination (download, folder, opfs, s3)`);
    if (dest === 's3') for (const m of s3TargetIssues(node.options.s3)) env.issue(m);
    const path = node.options.path;
    if (path !== undefined && (path.includes('/') || path.includes('\\') || path.includes('\0')))
      env.issue(`the output name ${quotedName(path)} must not contain "/", "\\" or NUL`);
    return {
      sql: `SELECT * FROM ${input.ref}`,
      columns: input.columns ? [...input.columns] : null,
    };
  },
};
