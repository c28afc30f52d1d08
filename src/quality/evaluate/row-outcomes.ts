/**
 * Glue's row-level outcomes (EvaluateDataQuality's `rowLevelOutcomes`) as SQL over a relation:
 * the relation's columns, then `DataQualityRulesPass`, `DataQualityRulesFail`,
 * `DataQualityRulesSkip` (lists of rule texts) and `DataQualityEvaluationResult` ('Passed' or
 * 'Failed'). A row-level rule (IsComplete, ColumnValues, ColumnLength, …) passes or fails each
 * row; a row its `where` leaves out, and every dataset-level rule (RowCount, Mean, …, which say
 * nothing of one row), is listed as skipped. A row is 'Failed' when some rule failed on it.
 */
import type { ColumnInfo } from '../../core/csv/dialect';
import { ident, joinSql, raw, sql, type Sql } from '../../core/sql/sql-template';
import { unusedName } from '../../core/sql/table-view';
import { parseDqdl } from '../dqdl/parse';
import { compileRule, type TableRef } from './compile-rules';
import { QueryPlan } from './query-plan';

/** The columns row-level outcomes add, in order. */
export const ROW_OUTCOME_COLUMNS = [
  { name: 'DataQualityRulesPass', type: 'VARCHAR[]' },
  { name: 'DataQualityRulesFail', type: 'VARCHAR[]' },
  { name: 'DataQualityRulesSkip', type: 'VARCHAR[]' },
  { name: 'DataQualityEvaluationResult', type: 'VARCHAR' },
] as const;

/** One top-level rule, row by row: `row` is its per-row predicate, absent for dataset-level rules. */
export interface RowRule {
  text: string;
  row?: Sql;
}

/**
 * The ruleset's top-level rules with their row predicates over `columns`. Throws
 * DqdlSyntaxError when the text does not parse; a rule that cannot be compiled (an unknown
 * column) has no predicate (its outcome is the evaluation's ERROR).
 */
export function rowRules(
  text: string,
  columns: readonly ColumnInfo[],
  now: Date,
  table: TableRef = { database: '', name: 'input' },
): RowRule[] {
  const ruleset = parseDqdl(text);
  const plan = new QueryPlan(raw('input'));
  return ruleset.rules.map((r) => {
    try {
      const compiled = compileRule(r, plan, {
        table,
        columns: [...columns],
        now,
        resolveTable: () => undefined,
        relation: raw('input'),
      });
      return compiled.row ? { text: r.text, row: compiled.row } : { text: r.text };
    } catch {
      // A rule that cannot compile at all (a pattern that is no regular expression) is the
      // evaluation's ERROR; row by row it is skipped.
      return { text: r.text };
    }
  });
}

/**
 * `SELECT` of the relation's rows with the four outcome columns added (see the file comment).
 * `columns` are the relation's, to pick helper names that do not clash.
 */
export function rowOutcomesSql(
  relation: string,
  rules: readonly RowRule[],
  columns: readonly ColumnInfo[],
): string {
  const helpers: string[] = [];
  const taken = [...columns];
  const checks = rules.map((r) => {
    if (!r.row) return null;
    const name = unusedName(`__dq_rule_${helpers.length}`, taken);
    taken.push({ name, type: 'BOOLEAN' });
    helpers.push(name);
    return { text: r.text, ref: ident(name), row: r.row };
  });
  const list = (items: Sql[]) =>
    items.length === 0
      ? raw('CAST([] AS VARCHAR[])')
      : sql`list_filter([${joinSql(items)}], x -> x IS NOT NULL)`;
  const when = (pick: (ref: Sql) => Sql) =>
    checks.flatMap((c) => (c ? [sql`CASE WHEN ${pick(c.ref)} THEN ${c.text} END`] : []));
  const pass = list(when((ref) => sql`${ref}`));
  const fail = list(when((ref) => sql`NOT ${ref}`));
  const skip = list(
    rules.map((r, i) => {
      const c = checks[i];
      return c ? sql`CASE WHEN ${c.ref} IS NULL THEN ${r.text} END` : sql`${r.text}`;
    }),
  );
  const failed = checks.flatMap((c) => (c ? [sql`coalesce(NOT ${c.ref}, false)`] : []));
  const result =
    failed.length === 0
      ? raw(`'Passed'`)
      : sql`CASE WHEN ${joinSql(failed, ' OR ')} THEN 'Failed' ELSE 'Passed' END`;
  const [p, f, s, e] = ROW_OUTCOME_COLUMNS.map((c) => ident(c.name));
  const inner =
    helpers.length === 0
      ? raw(relation)
      : sql`(SELECT *, ${joinSql(
          checks.flatMap((c) => (c ? [sql`${c.row} AS ${c.ref}`] : [])),
        )} FROM ${raw(relation)})`;
  const keep =
    helpers.length === 0 ? raw('*') : sql`* EXCLUDE (${joinSql(helpers.map((h) => ident(h)))})`;
  return sql`SELECT ${keep}, ${pass} AS ${p!}, ${fail} AS ${f!}, ${skip} AS ${s!}, ${result} AS ${e!} FROM ${inner}`
    .text;
}
