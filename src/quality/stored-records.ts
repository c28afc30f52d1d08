/** Data quality's record types for its stores in the one IndexedDB schema (see storage/schema.ts). */
import type { EvaluationRecord, RulesetRecord } from './model';
import type { TableProfile } from './profile/model';

declare module '../storage/schema' {
  interface StoredRecords {
    qualityRulesets: RulesetRecord;
    qualityEvaluations: EvaluationRecord;
    tableProfiles: TableProfile;
  }
}
