/** Data quality's stored records: rulesets per table and each evaluation's outcome per rule. */
import type { RuleType } from './dqdl/ast';

export type RuleOutcomeState = 'PASS' | 'FAIL' | 'ERROR';

/** A few failing rows, every value as DuckDB's text. */
export interface FailingSample {
  columns: string[];
  rows: (string | null)[][];
}

/** One rule's outcome: `value` is what was measured (a ratio, a count, a mean, a type name…). */
export interface RuleOutcome {
  /** The rule as written. */
  rule: string;
  type: RuleType | 'and' | 'or';
  outcome: RuleOutcomeState;
  value?: number | string | null;
  /** Why it failed or could not be measured, in words. */
  message?: string;
  /** Row-level rules: rows that failed, of rows measured (after `where`). */
  failedRows?: number;
  rows?: number;
  sample?: FailingSample;
  /** A composite rule's parts. */
  parts?: RuleOutcome[];
}

/** A ruleset saved on a catalog table (Glue's DataQualityRuleset, one per table and name). */
export interface RulesetRecord {
  database: string;
  table: string;
  name: string;
  /** The DQDL text as the user wrote it. */
  text: string;
  updatedAt: number;
}

/** One run of a ruleset on a table. */
export interface EvaluationRecord {
  id: string;
  database: string;
  table: string;
  ruleset: string;
  /** The DQDL text that ran (the ruleset may have changed since). */
  text: string;
  startedAt: number;
  finishedAt: number;
  /** Rules that passed, of all top-level rules: Glue's score is passed / total. */
  passed: number;
  total: number;
  results: RuleOutcome[];
}
