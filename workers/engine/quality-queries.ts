import { splitStatements } from '../../src/core/sql/split-statements';
import { refusedStatement } from '../../src/core/sql/statement-guard';
import type { QualityProgress, QualityQueryResult } from '../../src/engine/protocol';
import { engineErrorText, type Relabel } from './sql-error';
import type { SqlSession } from './sql-session';

/** Read-only statements a data quality evaluation may run. */
const READ_ONLY = new Set(['SELECT', 'WITH', 'DESCRIBE', 'FROM']);

/**
 * Runs a data quality evaluation's queries in order, each one statement that only reads. A
 * query that fails gives its error (DuckDB's words, files relabelled) and the others still run:
 * one rule's bad `where` must not cost the whole ruleset. Stops between queries once
 * `cancelled()` (the rest are left out: the caller throws 'cancelled').
 */
export async function runQualityQueries(
  s: SqlSession,
  queries: readonly string[],
  opts: {
    cancelled: () => boolean;
    onProgress: (p: QualityProgress) => void;
    /** Called before each query: loads Parquet tables the query names. */
    beforeQuery?: (sql: string) => Promise<void>;
    relabel?: Relabel;
  },
): Promise<QualityQueryResult[]> {
  const relabel = opts.relabel ?? ((x: string) => x);
  const out: QualityQueryResult[] = [];
  for (const sql of queries) {
    // A macrotask between queries lets a cancel message in: each query blocks this thread.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (opts.cancelled()) break;
    out.push(await runOne(s, sql, relabel, opts.beforeQuery));
    opts.onProgress({ done: out.length, total: queries.length });
  }
  return out;
}

async function runOne(
  s: SqlSession,
  sql: string,
  relabel: Relabel,
  beforeQuery?: (sql: string) => Promise<void>,
): Promise<QualityQueryResult> {
  const statements = splitStatements(sql);
  if (statements.length !== 1)
    return { error: 'a rule’s SQL must be one statement (no ";" between statements)' };
  const keyword = statements[0]!.keyword.toUpperCase();
  const refused = refusedStatement(sql);
  if (refused) return { error: refused };
  if (!READ_ONLY.has(keyword))
    return { error: `a rule’s SQL may only read (SELECT), not ${keyword}` };
  try {
    await beforeQuery?.(sql);
    return { rows: s.rows(sql).map(plainRow) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { error: engineErrorText(message, relabel).text };
  }
}

/** Numbers, text, booleans and NULL only: anything else arrives as its text. */
function plainRow(row: Record<string, unknown>): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] =
      v === null || v === undefined
        ? null
        : typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean'
          ? v
          : typeof v === 'bigint'
            ? Number(v)
            : String(v);
  }
  return out;
}
