import { ident, sql } from './sql-template';

/**
 * SQL for the console's results: a statement that returns rows is materialized once into a
 * temp table, then paged by rowid (fast at any depth, the same rows every time).
 */

/** `"temp"."main"."decant_result_7"`: fully qualified, so a user schema named temp can't shadow it. */
export function resultTable(n: number): string {
  return ident('temp', 'main', `decant_result_${Math.trunc(n)}`).text;
}

/** Statements DuckDB accepts after `CREATE TABLE … AS`. */
const QUERY_KEYWORDS = new Set([
  'SELECT',
  'WITH',
  'VALUES',
  'FROM',
  'TABLE',
  '(',
  'PIVOT',
  'UNPIVOT',
]);
/** Statements that return rows and are accepted as a subquery, but not after `AS`. */
const SUBQUERY_KEYWORDS = new Set(['DESCRIBE', 'DESC', 'SHOW', 'SUMMARIZE']);

export interface Materialize {
  sql: string;
  /** Characters before the statement in `sql`: subtract from an error's offset. */
  prefixLength: number;
}

/**
 * `CREATE TEMP TABLE t AS\n<statement>` (or `… AS SELECT * FROM (\n<statement>\n)`), or null when
 * the statement's first keyword says it is not a query. The statement keeps its own lines, so
 * DuckDB's error positions map back by subtracting `prefixLength`. A statement that starts like a
 * query but is not one (`WITH … INSERT`) fails to parse here; run it as it is then.
 */
export function materializeSql(n: number, statement: string, keyword: string): Materialize | null {
  const name = `decant_result_${Math.trunc(n)}`;
  const create = sql`CREATE TEMP TABLE ${ident(name)} AS`.text;
  if (QUERY_KEYWORDS.has(keyword)) {
    const prefix = `${create}\n`;
    return { sql: prefix + statement, prefixLength: prefix.length };
  }
  if (SUBQUERY_KEYWORDS.has(keyword)) {
    const prefix = `${create} SELECT * FROM (\n`;
    return { sql: `${prefix}${statement}\n)`, prefixLength: prefix.length };
  }
  return null;
}

/** Rows `[offset, offset + limit)` in their stored order. */
export function pageSql(n: number, offset: number, limit: number): string {
  const from = Math.max(0, Math.trunc(offset));
  const to = from + Math.max(0, Math.trunc(limit));
  return `SELECT * FROM ${resultTable(n)} WHERE rowid >= ${from} AND rowid < ${to} ORDER BY rowid`;
}

export function countSql(relation: string): string {
  return `SELECT count(*) AS n FROM ${relation}`;
}

/** Columns of a table or view as `(name, type)` rows, in order, with DuckDB's full type names. */
export function describeSql(relation: string): string {
  return `SELECT column_name AS name, column_type AS type FROM (DESCRIBE ${relation})`;
}

export function dropResultSql(n: number): string {
  return `DROP TABLE IF EXISTS ${resultTable(n)}`;
}
