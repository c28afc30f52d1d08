/**
 * What each rule type takes: how many quoted parameters, whether it needs a condition, what its
 * condition compares (a number, any column value, a type name, an age), and whether it measures
 * rows one by one (so `with threshold` applies and failing rows can be shown).
 */
import type { RuleType } from './ast';

export type ConditionValue = 'number' | 'value' | 'type-name' | 'duration' | 'none';

export interface RuleSignature {
  /** Quoted parameters: at least `min`, at most `max` (Infinity: any number of columns). */
  min: number;
  max: number;
  /** What a condition compares, or 'none' when the rule takes no condition. */
  compares: ConditionValue;
  /** The condition may be left out (CustomSql's row-level form). */
  conditionOptional?: boolean;
  /** Row-level: each row passes or fails; `with threshold` is the share of rows that must pass. */
  rowLevel?: boolean;
  /** How the parameters read, for messages: `IsUnique "column" ["column"…]`. */
  usage: string;
}

const column = (compares: ConditionValue, usage: string, extra: Partial<RuleSignature> = {}) => ({
  min: 1,
  max: 1,
  compares,
  usage,
  ...extra,
});

export const RULE_SIGNATURES: Record<RuleType, RuleSignature> = {
  // Glue's own docs write `RowCount "id" > 100` once; the column changes nothing.
  RowCount: { min: 0, max: 1, compares: 'number', usage: 'RowCount > 100' },
  ColumnCount: { min: 0, max: 0, compares: 'number', usage: 'ColumnCount = 5' },
  ColumnExists: column('none', 'ColumnExists "column"'),
  ColumnDataType: column('type-name', 'ColumnDataType "column" = "INTEGER"', { rowLevel: true }),
  ColumnNamesMatchPattern: column('none', 'ColumnNamesMatchPattern "[a-z_]+"'),
  IsComplete: column('none', 'IsComplete "column"', { rowLevel: true }),
  Completeness: column('number', 'Completeness "column" >= 0.95'),
  IsUnique: { min: 1, max: Infinity, compares: 'none', usage: 'IsUnique "column" ["column"…]' },
  Uniqueness: {
    min: 1,
    max: Infinity,
    compares: 'number',
    usage: 'Uniqueness "column" ["column"…] > 0.9',
  },
  UniqueValueRatio: column('number', 'UniqueValueRatio "column" > 0.5'),
  IsPrimaryKey: {
    min: 1,
    max: Infinity,
    compares: 'none',
    usage: 'IsPrimaryKey "column" ["column"…]',
  },
  DistinctValuesCount: column('number', 'DistinctValuesCount "column" > 3'),
  ColumnValues: column('value', 'ColumnValues "column" in ["a", "b"]', { rowLevel: true }),
  ColumnLength: column('number', 'ColumnLength "column" <= 10', { rowLevel: true }),
  Mean: column('number', 'Mean "column" > 10'),
  Sum: column('number', 'Sum "column" > 100'),
  StandardDeviation: column('number', 'StandardDeviation "column" < 5'),
  Entropy: column('number', 'Entropy "column" > 1'),
  ColumnCorrelation: {
    min: 2,
    max: 2,
    compares: 'number',
    usage: 'ColumnCorrelation "column" "column" > 0.8',
  },
  DataFreshness: column('duration', 'DataFreshness "column" <= 24 hours', { rowLevel: true }),
  ReferentialIntegrity: {
    min: 2,
    max: 2,
    compares: 'number',
    usage: 'ReferentialIntegrity "column" "table.column" = 1.0',
  },
  RowCountMatch: column('number', 'RowCountMatch "table" = 1.0'),
  CustomSql: column('number', 'CustomSql "select count(*) from primary" > 10', {
    conditionOptional: true,
    rowLevel: true,
  }),
};
