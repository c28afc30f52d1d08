/** Rulesets and evaluations in the catalog's IndexedDB (schema v5), per table. */
import type { CatalogDb } from '../storage/schema';
import type { EvaluationRecord, RulesetRecord } from './model';
import './stored-records';

/** Evaluations kept per table: older ones are removed as new ones are added. */
export const EVALUATIONS_KEPT = 50;

export class QualityStore {
  constructor(readonly db: CatalogDb) {}

  listRulesets(database: string, table: string): Promise<RulesetRecord[]> {
    return this.db.getAllFromIndex('qualityRulesets', 'by-table', [database, table]);
  }

  async saveRuleset(r: RulesetRecord): Promise<void> {
    await this.db.put('qualityRulesets', r);
  }

  /** Newest first. */
  async listEvaluations(database: string, table: string): Promise<EvaluationRecord[]> {
    const all = await this.db.getAllFromIndex('qualityEvaluations', 'by-table', [database, table]);
    return all.sort((a, b) => b.startedAt - a.startedAt);
  }

  /** Adds an evaluation and drops the table's oldest beyond EVALUATIONS_KEPT, in one transaction. */
  async addEvaluation(e: EvaluationRecord): Promise<void> {
    const tx = this.db.transaction('qualityEvaluations', 'readwrite');
    await tx.store.put(e);
    const all = await tx.store.index('by-table').getAll([e.database, e.table]);
    all.sort((a, b) => b.startedAt - a.startedAt);
    for (const old of all.slice(EVALUATIONS_KEPT)) await tx.store.delete(old.id);
    await tx.done;
  }
}
