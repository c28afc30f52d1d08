/**
 * The shape of a parsed DQDL ruleset (AWS Glue Data Quality's Data Quality Definition Language).
 * Offsets are UTF-16 indices into the ruleset's text, so an editor can point at them.
 */

/** `[start, end)` in the ruleset's text. */
export interface Span {
  start: number;
  end: number;
}

/** Glue's rule types Decant evaluates. */
export const RULE_TYPES = [
  'RowCount',
  'ColumnCount',
  'ColumnExists',
  'ColumnDataType',
  'ColumnNamesMatchPattern',
  'IsComplete',
  'Completeness',
  'IsUnique',
  'Uniqueness',
  'UniqueValueRatio',
  'IsPrimaryKey',
  'DistinctValuesCount',
  'ColumnValues',
  'ColumnLength',
  'Mean',
  'Sum',
  'StandardDeviation',
  'Entropy',
  'ColumnCorrelation',
  'DataFreshness',
  'ReferentialIntegrity',
  'RowCountMatch',
  'CustomSql',
] as const;

export type RuleType = (typeof RULE_TYPES)[number];

/** A length of time: `3 days`, `24 hours`, `30 minutes`. */
export interface Duration {
  amount: number;
  unit: 'minutes' | 'hours' | 'days';
}

/** A value on the right of a comparison. */
export type Operand =
  | { kind: 'number'; value: number; span: Span }
  | { kind: 'string'; value: string; span: Span }
  /** NULL, EMPTY (''), WHITESPACES_ONLY: ColumnValues' special values. */
  | { kind: 'keyword'; value: 'NULL' | 'EMPTY' | 'WHITESPACES_ONLY'; span: Span }
  /** `now()`, `now() - 3 days`, `(now() + 4 hours)`: evaluated when the rule runs. */
  | { kind: 'now'; offsets: { sign: 1 | -1; duration: Duration }[]; span: Span }
  /** DataFreshness's ages. */
  | { kind: 'duration'; duration: Duration; span: Span };

export type Comparator = '=' | '!=' | '>' | '>=' | '<' | '<=';

/** What a measured value is checked against. */
export type Condition =
  | { kind: 'compare'; op: Comparator; value: Operand; span: Span }
  | { kind: 'between'; negated: boolean; low: Operand; high: Operand; span: Span }
  | { kind: 'in'; negated: boolean; values: Operand[]; span: Span }
  | { kind: 'matches'; negated: boolean; pattern: string; span: Span };

/** One rule as written: `Completeness "email" >= 0.95 where "country = 'US'"`. */
export interface SimpleRule {
  kind: 'rule';
  type: RuleType;
  /** The rule's quoted parameters, in order (columns, a pattern, a SQL statement, a reference). */
  params: string[];
  condition?: Condition;
  /** A SQL filter applied before the rule is measured (Glue's `where`). */
  where?: { sql: string; span: Span };
  /** `with threshold > 0.9`: the share of rows that must pass (row-level rules). */
  threshold?: Condition;
  span: Span;
  /** The rule's own text, as shown in results. */
  text: string;
}

/** `(A) and (B)`, `(A) or ((B) and (C))`: each operand evaluated on the whole table. */
export interface CompositeRule {
  kind: 'and' | 'or';
  rules: Rule[];
  span: Span;
  text: string;
}

export type Rule = SimpleRule | CompositeRule;

export interface Ruleset {
  rules: Rule[];
}
