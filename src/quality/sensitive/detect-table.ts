/**
 * Sensitive data detection on a catalog table: a repeatable sample of rows read in the engine
 * worker (one query), every scalar column's values passed through the detectors.
 */
import type { ColumnInfo } from '../../core/csv/dialect';
import { ident, joinSql, raw, sql } from '../../core/sql/sql-template';
import type { TableRef } from '../evaluate/compile-rules';
import type { QualityEngine } from '../evaluate/evaluate-ruleset';
import { DecantError } from '../../core/errors';
import { detectColumn, type ColumnFinding, type ExtraEntity } from './detectors';
import {
  birthColumns,
  customMatcher,
  inContext,
  plausibleBirthDate,
  type CustomEntityType,
} from './custom-entities';

export interface DetectOptions {
  /** Rows sampled (reservoir, repeatable); default 1,000. */
  sampleRows?: number;
  /** Share of a column's sampled non-NULL values that must hold an entity; default 0.1. */
  threshold?: number;
  /** The user's own entity types, each looked for in the columns its context words allow. */
  customEntities?: readonly CustomEntityType[];
  signal?: AbortSignal;
}

/** Nested values (STRUCT, LIST, MAP) are left out: their text is not one value. */
const NESTED = /^(STRUCT|MAP|UNION)\b|\[\d*\]$/i;

/** The findings per scalar column (columns where nothing was found included, with no entities). */
export async function detectSensitiveColumns(
  engine: QualityEngine,
  table: TableRef,
  columns: readonly ColumnInfo[],
  o: DetectOptions = {},
): Promise<ColumnFinding[]> {
  const scalar = columns.filter((c) => !NESTED.test(c.type.trim()));
  if (!scalar.length) return [];
  const n = Math.max(1, Math.floor(o.sampleRows ?? 1000));
  const select = joinSql(
    scalar.map((c, i) => sql`CAST(${ident(c.name)} AS VARCHAR) AS ${raw(`c${i}`)}`),
  );
  const query = sql`SELECT ${select} FROM ${ident(table.database, table.name)} USING SAMPLE reservoir(${n} ROWS) REPEATABLE (42)`;
  const [result] = await engine.qualityQueries([query.text], () => undefined, o.signal);
  if (!result || 'error' in result)
    throw new DecantError(
      `quality: cannot sample ${table.database}.${table.name}: ${result?.error ?? 'no result'}`,
    );
  const births = birthColumns(columns.map((c) => c.name));
  const custom = (o.customEntities ?? []).map((e) => ({ e, test: customMatcher(e) }));
  return scalar.map((c, i) => {
    const extra: ExtraEntity[] = custom
      .filter(({ e }) => inContext(e, c.name))
      .map(({ e, test }) => ({ type: e.name, test }));
    if (births.has(c.name))
      extra.push({ type: 'DATE_OF_BIRTH', test: (v) => plausibleBirthDate(v) });
    return detectColumn(
      c.name,
      result.rows.map((r) => (r[`c${i}`] === null ? null : String(r[`c${i}`]))),
      o.threshold,
      extra,
    );
  });
}
