import type { ColumnInfo, CsvDialect } from '../csv/dialect';
import { quoteIdent, quoteLiteral } from './quote';
import { readCsvSql } from './read-csv';
import { HIVE_NULL_PARTITION, typeSql } from './table-view';

/**
 * SQL to find out, before a column's type changes, which values would not survive: a CSV table
 * is its files' text read with the column types, so the check reads the text with the new type
 * the way the view then will (DuckDB's CSV reader: its casts, the table's date formats and decimal
 * separator), not by casting the values as they are typed now. A BOOLEAN column holding `true`
 * casts to INTEGER 1, but the reader cannot read the text `true` as an INTEGER.
 */

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
  return `SELECT count(${quoteIdent(column)}) AS v, count(*) AS n FROM ${scan}`;
}

/**
 * Partition values are not in the files: they come from paths and are cast as text. Rows `v` of
 * the distinct values (Hive's NULL marker left out) that do not cast to `type`, in order.
 */
export function failingPartitionValuesSql(values: readonly string[], type: string): string | null {
  const distinct = [...new Set(values)].filter((v) => v !== HIVE_NULL_PARTITION);
  if (distinct.length === 0) return null;
  const list = distinct.map((v, i) => `(${i}, ${quoteLiteral(v)})`).join(', ');
  return (
    `SELECT v FROM (VALUES ${list}) AS t(i, v) ` +
    `WHERE TRY_CAST(v AS ${typeSql(type)}) IS NULL ORDER BY i`
  );
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
  const list = paths.map((p) => `(${quoteLiteral(p)})`).join(', ');
  return (
    `SELECT count(*) AS n FROM ${scan} AS d JOIN (VALUES ${list}) AS p(f) ` +
    `ON d.${quoteIdent(fileColumn)} = p.f`
  );
}
