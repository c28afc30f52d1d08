import type { ColumnInfo, CsvDialect } from '../csv/dialect';
import { ident, joinSql, raw, sql } from './sql-template';
import { readCsvSql } from './read-csv';
import { HIVE_NULL_PARTITION, typeSql } from './table-view';

/**
 * SQL to find out, before a column's type changes, which values would not survive: a CSV table
 * is its files' text read with the column types, so the check reads the text with the new type
 * the way the view then will (DuckDB's CSV reader: its casts, the table's date formats and decimal
 * separator), not by casting the values as they are typed now. A BOOLEAN column holding `true`
 * casts to INTEGER 1, but the reader cannot read the text `true` as an INTEGER.
 */

/** What a type change would do to a column's values, found before it is saved. */
export interface CastCheck {
  /** Non-NULL values that would not convert (and read as NULL). */
  failures: number;
  /** Up to 5 distinct values that would fail, as text, in the order the files hold them. */
  examples: string[];
  /**
   * Present when values would convert but change (12.8 → 13, a timestamp losing its time):
   * how many, and up to 5 distinct examples as text before and after.
   */
  changed?: { count: number; examples: { before: string; after: string }[] };
}

/** The files of a table as read_csv takes them: a glob matching exactly the files, or their list. */
export interface CsvFiles {
  paths: string | readonly string[];
  dialect: CsvDialect;
  columns: readonly ColumnInfo[];
}

const asText = (columns: readonly ColumnInfo[]) =>
  columns.map((c) => ({ name: c.name, type: 'VARCHAR' }));

/** `n`: rows in the files (every column read as text, so nothing can fail to convert). */
export function textRowCountSql(f: CsvFiles): string {
  return `SELECT count(*) AS n FROM ${readCsvSql(f.paths, f.dialect, asText(f.columns))}`;
}

/** Bad rows recorded per file by `readAsTypeSql`: enough for examples, bounded for memory. */
export const REJECTS_PER_FILE = 20;

/**
 * `n`: rows that read with `column` as `type` (every other column as text). Rows where the value
 * does not convert are skipped and recorded in the rejects table (see REJECTED_CASTS_SQL); run
 * CLEAR_REJECTS_SQL first. Throws on a bad type name.
 */
export function readAsTypeSql(f: CsvFiles, column: string, type: string): string {
  const columns = f.columns.map((c) =>
    c.name === column ? { name: c.name, type: typeSql(type) } : { name: c.name, type: 'VARCHAR' },
  );
  const scan = readCsvSql(f.paths, f.dialect, columns, 'skip', true, {
    rejectsLimit: REJECTS_PER_FILE,
  });
  // Naming the column makes the reader convert it; count(*) alone would skip it.
  return sql`SELECT count(${ident(column)}) AS v, count(*) AS n FROM ${raw(scan)}`.text;
}

/**
 * Partition values are not in the files: they come from paths and are cast as text. Rows `v` of
 * the distinct values (Hive's NULL marker left out) that do not cast to `type`, in order.
 */
export function failingPartitionValuesSql(values: readonly string[], type: string): string | null {
  const distinct = [...new Set(values)].filter((v) => v !== HIVE_NULL_PARTITION);
  if (distinct.length === 0) return null;
  const list = joinSql(distinct.map((v, i) => sql`(${i}, ${v})`));
  return sql`SELECT v FROM (VALUES ${list}) AS t(i, v) WHERE TRY_CAST(v AS ${raw(typeSql(type))}) IS NULL ORDER BY i`
    .text;
}

/**
 * `n`: rows in the files among `paths` (registered names, as the `filename` column shows them);
 * one scan of all the files joined on their name, not a list (see TableViewSpec.pattern).
 */
export function rowsInFilesSql(f: CsvFiles, fileColumn: string, paths: readonly string[]): string {
  if (paths.length === 0) return 'SELECT 0 AS n';
  const scan = readCsvSql(f.paths, f.dialect, asText(f.columns), 'error', false, {
    filename: fileColumn,
  });
  const list = joinSql(paths.map((p) => sql`(${p})`));
  return sql`SELECT count(*) AS n FROM ${raw(scan)} AS d JOIN (VALUES ${list}) AS p(f) ON d.${ident(fileColumn)} = p.f`
    .text;
}

/** Numeric type names: between them values are compared as numbers. */
const NUMERIC_TYPE =
  /^(U?(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT)|INT[1248]|FLOAT[48]?|REAL|DOUBLE|DECIMAL|NUMERIC)\b/i;
const TEXT_TYPE = /^(VARCHAR|TEXT|STRING|CHAR|BPCHAR)$/i;

/** Changed values `examples` of changedValuesSql returns at most. */
export const CHANGED_EXAMPLES = 5;

/**
 * Rows `n, before, after` (at most CHANGED_EXAMPLES, `n` the count of all) of the values of
 * `column` that read under `type` but as a different value than under `oldType`: rounding
 * (12.8 → 13), truncation (a timestamp's time of day, digits past a DECIMAL's scale, a FLOAT's
 * precision). Values that do not convert at all are readAsTypeSql's to count. Each value is read
 * as the table reads it now, then cast; from text, only a change to a number is judged (by the
 * number the text holds), as a new text form of the same value (`2024-1-2` → `2024-01-02`) is no
 * loss. Null when there is nothing to judge (same type, text to a non-number, or to text).
 */
export function changedValuesSql(
  f: CsvFiles,
  column: string,
  oldType: string,
  type: string,
): string | null {
  const from = typeSql(oldType);
  const to = typeSql(type);
  if (from.toUpperCase() === to.toUpperCase() || TEXT_TYPE.test(to)) return null;
  const fromText = TEXT_TYPE.test(from);
  if (fromText && !NUMERIC_TYPE.test(to)) return null;
  const columns = f.columns.map((c) =>
    c.name === column ? { name: c.name, type: from } : { name: c.name, type: 'VARCHAR' },
  );
  // readCsvSql and typeSql return SQL text they built and checked.
  const scan = raw(readCsvSql(f.paths, f.dialect, columns, 'skip'));
  const o = ident(column);
  const differs = fromText
    ? sql`TRY_CAST(o AS DOUBLE) IS DISTINCT FROM TRY_CAST(v AS DOUBLE)`
    : sql`TRY_CAST(v AS ${raw(from)}) IS DISTINCT FROM o`;
  return sql`SELECT count(*) OVER () AS n, CAST(o AS VARCHAR) AS before, CAST(v AS VARCHAR) AS after FROM (SELECT ${o} AS o, TRY_CAST(${o} AS ${raw(to)}) AS v FROM ${scan}) WHERE o IS NOT NULL AND v IS NOT NULL AND ${differs} LIMIT ${CHANGED_EXAMPLES}`
    .text;
}

/**
 * For a table whose values are typed in its files (Parquet): a row `n`, the count of non-NULL
 * values of `column` in `relation` that do not cast to `type`, and rows `v`, up to
 * CHANGED_EXAMPLES distinct such values as text. Values are cast as they are typed now, as the
 * table's view will cast them after the change.
 */
export function typedFailuresSql(
  relation: string,
  column: string,
  type: string,
): { count: string; examples: string } {
  const o = ident(column);
  const rel = raw(relation);
  const bad = sql`${o} IS NOT NULL AND TRY_CAST(${o} AS ${raw(typeSql(type))}) IS NULL`;
  return {
    count: sql`SELECT count(*) AS n FROM ${rel} WHERE ${bad}`.text,
    examples:
      sql`SELECT DISTINCT CAST(${o} AS VARCHAR) AS v FROM ${rel} WHERE ${bad} LIMIT ${CHANGED_EXAMPLES}`
        .text,
  };
}

/**
 * As changedValuesSql, for values typed in their files (Parquet): rows `n, before, after` of
 * the values of `column` in `relation` that cast to `type` but as another value. Null when
 * there is nothing to judge (same type, to text, or text to a non-number).
 */
export function typedChangesSql(
  relation: string,
  column: string,
  oldType: string,
  type: string,
): string | null {
  const from = typeSql(oldType);
  const to = typeSql(type);
  if (from.toUpperCase() === to.toUpperCase() || TEXT_TYPE.test(to)) return null;
  const fromText = TEXT_TYPE.test(from);
  if (fromText && !NUMERIC_TYPE.test(to)) return null;
  const o = ident(column);
  const differs = fromText
    ? sql`TRY_CAST(o AS DOUBLE) IS DISTINCT FROM TRY_CAST(v AS DOUBLE)`
    : sql`TRY_CAST(v AS ${raw(from)}) IS DISTINCT FROM o`;
  return sql`SELECT count(*) OVER () AS n, CAST(o AS VARCHAR) AS before, CAST(v AS VARCHAR) AS after FROM (SELECT ${o} AS o, TRY_CAST(${o} AS ${raw(to)}) AS v FROM ${raw(relation)}) WHERE o IS NOT NULL AND v IS NOT NULL AND ${differs} LIMIT ${CHANGED_EXAMPLES}`
    .text;
}
