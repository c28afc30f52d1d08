import type { ScanPlan } from '../../src/engine/protocol';
import { ident, joinSql, raw, sql as sqlOf } from '../../src/core/sql/sql-template';
import { readCsvSql } from '../../src/core/sql/read-csv';
import { explainScanError } from './explain-error';
import type { SqlSession } from './sql-session';

/**
 * Reads the whole file with the planned types, converting every column (a bare count(*) would
 * skip conversions, so each column is counted), and returns the exact row count. A value that
 * does not fit its type throws a DecantError with code 'cast', the line and the column: the
 * sniffer only saw a sample, and a table must not be committed on its word alone.
 */
export function validateCsv(
  s: SqlSession,
  src: { path: string; name: string },
  plan: Pick<ScanPlan, 'dialect' | 'columns' | 'badRows'>,
): number {
  const counts = plan.columns.map((c, i) => sqlOf`count(${ident(c.name)}) AS ${raw(`c${i}`)}`);
  const scan = raw(readCsvSql(src.path, plan.dialect, plan.columns, plan.badRows));
  const sql = sqlOf`SELECT ${joinSql([raw('count(*) AS n'), ...counts])} FROM ${scan}`.text;
  try {
    return Number(s.rows(sql)[0]?.n ?? 0);
  } catch (e) {
    throw explainScanError(e, src.name, sql);
  }
}
