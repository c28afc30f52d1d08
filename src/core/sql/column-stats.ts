import type { ColumnInfo } from '../csv/dialect';
import { ident, joinSql, raw, sql, type Sql } from './sql-template';

/**
 * SQL for Glue's column statistics. `relation` is an already quoted, qualified name (see
 * table-view.ts `qualifiedName`).
 */

/** Which of Glue's statistics a column gets, from its DuckDB type. */
export type StatsKind = 'text' | 'binary' | 'boolean' | 'nested' | 'plain';

export function statsKind(type: string): StatsKind {
  const t = type.trim().toUpperCase();
  if (t.endsWith(']') || /^(STRUCT|MAP|UNION|LIST)\s*\(/.test(t)) return 'nested';
  if (t === 'VARCHAR' || t.startsWith('VARCHAR(')) return 'text';
  if (t === 'BLOB') return 'binary';
  if (t === 'BOOLEAN') return 'boolean';
  return 'plain';
}

/** min/max text is cut to this many characters. */
export const STATS_TEXT_LIMIT = 256;

/**
 * One SELECT, one scan, every aggregate: `rows`, then per column i (by position, so any name
 * works) `n{i}` non-NULL count, `d{i}` approx_count_distinct (a HyperLogLog estimate,
 * never exact: in DuckDB 1.4, 3 distinct values came out as 2, 1,000 as 1,249, 100,000 as 96,408), `lo{i}`/`hi{i}` min/max as text (not for nested
 * types), `ml{i}`/`al{i}` max/avg length (characters for VARCHAR, bytes for BLOB), `t{i}`/`f{i}`
 * true/false counts for BOOLEAN.
 */
export function columnStatisticsSql(relation: string, columns: readonly ColumnInfo[]): string {
  // `relation` is already quoted (see table-view.ts `qualifiedName`).
  return sql`SELECT ${joinSql(columnStatisticsParts(columns))} FROM ${raw(relation)}`.text;
}

/** The select list of columnStatisticsSql, for a query that adds aggregates of its own (profiles). */
export function columnStatisticsParts(columns: readonly ColumnInfo[]): Sql[] {
  const parts: Sql[] = [sql`count(*) AS "rows"`];
  columns.forEach((c, i) => {
    const q = ident(c.name);
    const as = (prefix: string) => ident(`${prefix}${i}`);
    const kind = statsKind(c.type);
    parts.push(sql`count(${q}) AS ${as('n')}`, sql`approx_count_distinct(${q}) AS ${as('d')}`);
    if (kind !== 'nested')
      parts.push(
        sql`left(CAST(min(${q}) AS VARCHAR), ${STATS_TEXT_LIMIT}) AS ${as('lo')}`,
        sql`left(CAST(max(${q}) AS VARCHAR), ${STATS_TEXT_LIMIT}) AS ${as('hi')}`,
      );
    if (kind === 'text' || kind === 'binary') {
      const len = raw(kind === 'text' ? 'length' : 'octet_length');
      parts.push(sql`max(${len}(${q})) AS ${as('ml')}`, sql`avg(${len}(${q})) AS ${as('al')}`);
    }
    if (kind === 'boolean')
      parts.push(
        // count_if is HUGEINT in DuckDB 1.4, which Arrow hands over as a decimal.
        sql`CAST(count_if(${q}) AS BIGINT) AS ${as('t')}`,
        sql`CAST(count_if(NOT ${q}) AS BIGINT) AS ${as('f')}`,
      );
  });
  return parts;
}

/** Glue's statistics of one column, as read from a row of columnStatisticsSql. */
export interface ColumnStatisticsValues {
  column: string;
  type: string;
  nulls: number;
  distinct: number;
  min?: string;
  max?: string;
  maxLength?: number;
  avgLength?: number;
  trues?: number;
  falses?: number;
}

/** The row count and each column's statistics from the one row columnStatisticsSql returns. */
export function columnStatisticsFromRow(
  row: Record<string, unknown>,
  columns: readonly ColumnInfo[],
): { rowCount: number; columns: ColumnStatisticsValues[] } {
  const num = (k: string) => (row[k] == null ? undefined : Number(row[k]));
  const rowCount = num('rows') ?? 0;
  return {
    rowCount,
    columns: columns.map((c, i) => {
      const optional = {
        min: row[`lo${i}`] == null ? undefined : String(row[`lo${i}`]),
        max: row[`hi${i}`] == null ? undefined : String(row[`hi${i}`]),
        maxLength: num(`ml${i}`),
        avgLength: num(`al${i}`),
        trues: num(`t${i}`),
        falses: num(`f${i}`),
      };
      return {
        column: c.name,
        type: c.type,
        nulls: rowCount - (num(`n${i}`) ?? 0),
        distinct: num(`d${i}`) ?? 0,
        // Only the statistics this column's type has.
        ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      };
    }),
  };
}
