import type { ScanPlan } from '../../src/engine/protocol';
import { ident, joinSql, raw, sql as sqlOf } from '../../src/core/sql/sql-template';
import { readCsvSql } from '../../src/core/sql/read-csv';
import { DecantError } from '../../src/core/errors';
import { explainScanError } from './explain-error';
import type { SqlSession } from './sql-session';

type Plan = Pick<ScanPlan, 'dialect' | 'columns' | 'badRows'>;

/**
 * Reads the whole file with the planned types, converting every column (a bare count(*) would
 * skip conversions, so each column is counted), and returns the exact row count. A value that
 * does not fit its type throws a DecantError with code 'cast', the line and the column: the
 * sniffer only saw a sample, and a table must not be committed on its word alone.
 */
export function validateCsv(
  s: SqlSession,
  src: { path: string; name: string },
  plan: Plan,
): number {
  const sql = validationSql(src.path, plan, []);
  try {
    return Number(s.rows(sql)[0]?.n ?? 0);
  } catch (e) {
    throw explainScanError(e, src.name, sql);
  }
}

/** Between the steps of a stepwise validation: a turn of the event loop, and cancel. */
export interface ValidationSteps {
  pause(): Promise<void>;
  cancelled(): boolean;
}

/**
 * validateCsv, with `extra` aggregates (SQL text, each `… AS alias`) computed by the same scan,
 * so a crawl reads each byte of a file once; run stepwise (see SqlSession.rowsStepwise) so the
 * worker's memory for the reads is given back as it goes. Returns the row count and the
 * aggregates' row. Throws as validateCsv, or a `crawler:` DecantError (code 'cancelled').
 */
export async function validateCsvWith(
  s: SqlSession,
  src: { path: string; name: string },
  plan: Plan,
  extra: readonly string[],
  steps: ValidationSteps,
): Promise<{ rowCount: number; row: Record<string, unknown> }> {
  const sql = validationSql(src.path, plan, extra);
  const cancel = () =>
    new DecantError('crawler: cancelled; nothing was written', { code: 'cancelled' });
  let row: Record<string, unknown>;
  try {
    row = (await s.rowsStepwise(sql, steps.pause, steps.cancelled, cancel))[0] ?? {};
  } catch (e) {
    if (e instanceof DecantError && e.code === 'cancelled') throw e;
    throw explainScanError(e, src.name, sql);
  }
  return { rowCount: Number(row.n ?? 0), row };
}

function validationSql(path: string, plan: Plan, extra: readonly string[]): string {
  const counts = plan.columns.map((c, i) => sqlOf`count(${ident(c.name)}) AS ${raw(`c${i}`)}`);
  const scan = raw(readCsvSql(path, plan.dialect, plan.columns, plan.badRows));
  const select = joinSql([raw('count(*) AS n'), ...counts, ...extra.map(raw)]);
  return sqlOf`SELECT ${select} FROM ${scan}`.text;
}
