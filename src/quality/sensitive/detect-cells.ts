/**
 * Sensitive data detection by cell: every value of every scalar column checked in the engine
 * (one scan, the Detect Sensitive Data node's SQL: regular expressions, Luhn and IBAN checks in
 * list functions), counted per column and entity type. IPv6 is left to the sampled detection.
 */
import type { ColumnInfo } from '../../core/csv/dialect';
import { DecantError } from '../../core/errors';
import { ident, joinSql, raw, sql } from '../../core/sql/sql-template';
import { DUCKDB_DIALECT, entityListSql, SQL_ENTITY_TYPES } from './sensitive-sql';
import type { TableRef } from '../evaluate/compile-rules';
import type { QualityEngine } from '../evaluate/evaluate-ruleset';
import { birthColumns, inContext, type CustomEntityType } from './custom-entities';
import type { ColumnFinding } from './detectors';

const NESTED = /^(STRUCT|MAP|UNION)\b|\[\d*\]$/i;

/**
 * Per scalar column, each entity type found in at least one cell with its count of cells and
 * its share of the column's non-NULL cells.
 */
export async function detectSensitiveCells(
  engine: QualityEngine,
  table: TableRef,
  columns: readonly ColumnInfo[],
  o: { customEntities?: readonly CustomEntityType[]; signal?: AbortSignal } = {},
): Promise<ColumnFinding[]> {
  const scalar = columns.filter((c) => !NESTED.test(c.type.trim()));
  if (!scalar.length) return [];
  const births = birthColumns(columns.map((c) => c.name));
  const plan = scalar.map((c) => {
    const own = (o.customEntities ?? [])
      .filter((e) => inContext(e, c.name))
      .map((e) => ({ name: e.name, pattern: e.pattern }));
    const built = SQL_ENTITY_TYPES.filter((t) => t !== 'DATE_OF_BIRTH' || births.has(c.name));
    return { column: c.name, entities: [...built, ...own] };
  });
  const lists = joinSql(
    plan.map((p, i) =>
      raw(
        `${entityListSql(p.entities, DUCKDB_DIALECT.text(DUCKDB_DIALECT.ident(p.column)), DUCKDB_DIALECT)} AS f${i}`,
      ),
    ),
  );
  const counts = plan.flatMap((p, i) => [
    sql`count(${ident(p.column)}) AS ${raw(`n${i}`)}`,
    ...p.entities.map(
      (e, j) =>
        sql`count(*) FILTER (WHERE list_contains(${raw(`f${i}`)}, ${typeof e === 'string' ? e : e.name})) AS ${raw(`c${i}_${j}`)}`,
    ),
  ]);
  const query = sql`SELECT ${joinSql(counts)} FROM (SELECT ${joinSql(scalar.map((c) => ident(c.name)))}, ${lists} FROM ${ident(table.database, table.name)})`;
  const [result] = await engine.qualityQueries([query.text], () => undefined, o.signal);
  if (!result || 'error' in result)
    throw new DecantError(
      `quality: cannot check ${table.database}.${table.name}: ${result?.error ?? 'no result'}`,
    );
  const row = result.rows[0] ?? {};
  return plan.map((p, i) => {
    const n = Number(row[`n${i}`] ?? 0);
    const entities = p.entities
      .map((e, j) => {
        const count = Number(row[`c${i}_${j}`] ?? 0);
        return { type: typeof e === 'string' ? e : e.name, count, share: count / Math.max(1, n) };
      })
      .filter((e) => e.count > 0)
      .sort((a, b) => b.count - a.count);
    return { column: p.column, entities };
  });
}
