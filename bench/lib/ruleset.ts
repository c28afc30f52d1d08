// The ruleset `npm run bench` evaluates over the orders table (bench/lib/csv.ts): 20 rules of
// most DQDL types, row-level and dataset-level, with `where`, thresholds and a composite; and what
// native DuckDB needs to run the same SQL and be checked against the tab.
import type { ColumnInfo } from '../../src/core/csv/dialect';
import type { QualityQueryResult } from '../../src/engine/protocol';
import { parseDqdl } from '../../src/quality/dqdl/parse';
import {
  compileRule,
  relationOf,
  type EvaluationContext,
  type TableRef,
} from '../../src/quality/evaluate/compile-rules';
import { QueryPlan } from '../../src/quality/evaluate/query-plan';

export const BENCH_RULESET = `Rules = [
  RowCount > 0,
  ColumnCount = 12,
  IsComplete "order_id",
  IsUnique "order_id",
  Completeness "shipped_at" >= 0.8 where "status <> 'pending'",
  ColumnValues "status" in ["pending", "paid", "shipped", "delivered", "returned", "cancelled"],
  ColumnValues "channel" in ["web", "mobile", "store"] with threshold > 0.7,
  ColumnValues "amount" between -1 and 2001,
  ColumnValues "coupon" matches "[A-Z][A-Z0-9]+" with threshold > 0.2,
  ColumnLength "country" = 2,
  Mean "amount" between 900 and 1100,
  Sum "quantity" > 0,
  StandardDeviation "discount" < 0.1,
  Entropy "channel" > 1,
  DistinctValuesCount "country" = 14,
  ColumnCorrelation "order_id" "customer_id" between -0.1 and 0.1,
  Uniqueness "customer_id" < 0.5,
  UniqueValueRatio "status" <= 1,
  CustomSql "select count(*) from primary where amount > 1000 and is_member" > 0,
  (IsComplete "created_at") and (ColumnValues "quantity" between 0 and 13)
]`;

/**
 * The measuring round of an evaluation: the queries evaluateRuleset sends first, compiled by the
 * app's own compiler (parseDqdl → compileRule → QueryPlan), so native DuckDB runs the same SQL.
 */
export function measureQueries(
  text: string,
  table: TableRef,
  columns: ColumnInfo[],
  now: Date,
): string[] {
  const ctx: EvaluationContext = { table, columns, now, resolveTable: () => undefined };
  const plan = new QueryPlan(relationOf(ctx));
  for (const rule of parseDqdl(text).rules) compileRule(rule, plan, ctx);
  return plan.queries();
}

const close = (a: number, b: number) =>
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Cells compared as numbers when both read as numbers (BIGINT arrives as a string or a number). */
function sameCell(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return a == b;
  const x = Number(a);
  const y = Number(b);
  if (typeof a !== 'boolean' && typeof b !== 'boolean' && !Number.isNaN(x) && !Number.isNaN(y))
    return close(x, y);
  return String(a) === String(b);
}

/**
 * Where the tab's results and native's differ, query by query, as readable lines (empty when they
 * agree). Only the measuring round is compared: sample rows have no order to agree on.
 */
export function resultDifferences(
  tab: readonly QualityQueryResult[],
  native: readonly Record<string, unknown>[][],
): string[] {
  const out: string[] = [];
  if (tab.length !== native.length)
    return [`${tab.length} results in the tab, ${native.length} natively`];
  tab.forEach((r, q) => {
    if ('error' in r) {
      out.push(`query ${q + 1}: the tab failed: ${r.error}`);
      return;
    }
    const theirs = native[q]!;
    if (r.rows.length !== theirs.length) {
      out.push(`query ${q + 1}: ${r.rows.length} rows in the tab, ${theirs.length} natively`);
      return;
    }
    r.rows.forEach((row, i) => {
      for (const [k, v] of Object.entries(row))
        if (!sameCell(v, theirs[i]![k]))
          out.push(
            `query ${q + 1} row ${i + 1} ${k}: tab ${String(v)}, native ${String(theirs[i]![k])}`,
          );
    });
  });
  return out;
}
