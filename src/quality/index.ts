// Data quality's public face: DQDL rulesets parsed, evaluated in the engine, stored per table.
export type { Rule, Ruleset, SimpleRule, Span } from './dqdl/ast';
export { parseDqdl } from './dqdl/parse';
export { DqdlSyntaxError, type TextPosition } from './dqdl/syntax-error';
export {
  evaluateRuleset,
  type EvaluateOptions,
  type QualityEngine,
} from './evaluate/evaluate-ruleset';
export type { TableRef } from './evaluate/compile-rules';
export { failingSince } from './history';
export type {
  EvaluationRecord,
  FailingSample,
  RuleOutcome,
  RuleOutcomeState,
  RulesetRecord,
} from './model';
export { recommendRuleset } from './recommend';
export { QualityStore, EVALUATIONS_KEPT } from './store';
export { referencedTables } from './references';
export {
  detectColumn,
  detectEntities,
  ENTITY_TYPES,
  type ColumnFinding,
  type EntityMatch,
  type EntityType,
} from './sensitive/detectors';
export { detectSensitiveColumns, type DetectOptions } from './sensitive/detect-table';
export {
  ROW_OUTCOME_COLUMNS,
  rowOutcomesSql,
  rowRules,
  type RowRule,
} from './evaluate/row-outcomes';
export {
  birthColumns,
  customEntityProblems,
  loadCustomEntities,
  plausibleBirthDate,
  saveCustomEntities,
  type CustomEntityProblem,
  type CustomEntityType,
} from './sensitive/custom-entities';
export { detectSensitiveCells } from './sensitive/detect-cells';
export {
  DUCKDB_DIALECT,
  entityListSql,
  maskSql,
  patternProblem,
  SQL_ENTITY_TYPES,
  type CustomEntitySql,
  type SqlDialect,
  type SqlEntityType,
} from './sensitive/sensitive-sql';
export type {
  ColumnProfile,
  HistogramBin,
  ProfileKind,
  ProfileSample,
  TableProfile,
  ValueCount,
} from './profile/model';
export { PROFILE_QUANTILES } from './profile/model';
export {
  computeProfile,
  statisticsOfProfile,
  type ProfileOptions,
} from './profile/compute-profile';
export { profileStamp, type StampedTable } from './profile/profile-stamp';
export { ProfileStore, PROFILES_KEPT } from './profile/profile-store';
export { MAX_CORRELATED, PATTERN_PREFIX, TOP_K } from './profile/profile-sql';
export { MAX_BINS } from './profile/bins';
export { binLabel, formatMeasure, formatNumber, formatSpread } from './profile/profile-format';
