import { quotedName } from '../core/quoted-name';
import { ident, joinSql, raw, sql, type Sql } from '../core/sql/sql-template';
import { findColumn, isNumericType, type NodeColumn } from './columns';
import type { FilterClause, FilterCondition, FilterGroup, FilterOp } from './model';
import { substituteText, type ParameterValues } from './params';

/** Where a condition's names are looked up, and where its problems go. */
export interface ConditionScope {
  /** The columns a condition may use; null when not known yet (names are then not checked). */
  columns: readonly NodeColumn[] | null;
  /** e.g. `its input`, `the partition keys`: finishes "column "x" is not in …". */
  where: string;
  params: ParameterValues;
  issue(message: string): void;
}

const COMPARE: Record<Exclude<FilterOp, 'REGEX' | 'ISNULL'>, string> = {
  EQ: '=',
  LT: '<',
  GT: '>',
  LTE: '<=',
  GTE: '>=',
};

export function isGroup(c: FilterClause): c is FilterGroup {
  return 'clauses' in c;
}

/**
 * A boolean SQL expression for `group`: names quoted, constants quoted literals (parameters
 * substituted first). An empty group is `true`. Problems (unknown columns, a missing value, a
 * constant that is not a number for a number column) go to `scope.issue`.
 */
export function filterSql(group: FilterGroup, scope: ConditionScope): string {
  const parts = group.clauses.map((c) =>
    isGroup(c) ? filterSql(c, scope) : conditionSql(c, scope),
  );
  const combine = group.combine === 'OR' ? ' OR ' : ' AND ';
  // Each part is a condition this module built.
  const clauses = joinSql(
    parts.map((p) => raw(p)),
    combine,
  );
  let text = parts.length === 0 ? raw('true') : sql`(${clauses})`;
  if (group.negated) text = sql`(NOT ${text})`;
  return text.text;
}

/** The constant of a condition with parameters substituted, or null when it has none. */
export function constantOf(
  c: FilterCondition,
  scope: Pick<ConditionScope, 'params' | 'issue'>,
): string | null {
  if (c.value?.kind !== 'constant') return null;
  return substituteText(c.value.value, scope.params, scope.issue);
}

function conditionSql(c: FilterCondition, scope: ConditionScope): string {
  const column = checkColumn(c.column, scope);
  const left = ident(c.column);
  let text: Sql;
  if (c.op === 'ISNULL') text = sql`${left} IS NULL`;
  else if (!c.value) {
    scope.issue(`the condition on ${quotedName(c.column)} (${c.op}) needs a value to compare with`);
    text = raw('false');
  } else {
    let right: Sql | string;
    if (c.value.kind === 'column') {
      checkColumn(c.value.column, scope);
      right = ident(c.value.column);
    } else {
      const value = constantOf(c, scope)!;
      if (c.op !== 'REGEX' && column && isNumericType(column.type) && !isNumber(value))
        scope.issue(
          `${quotedName(value)} is not a number, and column ${quotedName(column.name)} is ${column.type}`,
        );
      right = value;
    }
    text =
      c.op === 'REGEX'
        ? sql`regexp_matches(CAST(${left} AS VARCHAR), ${right})`
        : sql`${left} ${raw(COMPARE[c.op])} ${right}`;
  }
  return (c.negated ? sql`(NOT (${text}))` : sql`(${text})`).text;
}

function checkColumn(name: string, scope: ConditionScope): NodeColumn | null {
  if (scope.columns === null) return null;
  const found = findColumn(scope.columns, name);
  if (!found) scope.issue(`column ${quotedName(name)} is not in ${scope.where}`);
  return found ?? null;
}

/** What DuckDB casts to a number: decimal or scientific notation, surrounding spaces allowed. */
export function isNumber(text: string): boolean {
  return /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(text);
}
