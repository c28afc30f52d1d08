/**
 * The table page's Data quality section: its saved ruleset, runs with progress and cancel, and
 * the history of evaluations (newest first). One table at a time: `show(database, table)`.
 */
import { DecantError } from '../core/errors';
import { ident, sql } from '../core/sql/sql-template';
import type { EngineClient } from '../engine/client';
import type { QualityProgress } from '../engine/protocol';
import {
  evaluateRuleset,
  parseDqdl,
  QualityStore,
  recommendRuleset,
  referencedTables,
  detectSensitiveCells,
  detectSensitiveColumns,
  loadCustomEntities,
  saveCustomEntities,
  type ColumnFinding,
  type CustomEntityType,
  type EvaluationRecord,
  type RulesetRecord,
} from '../quality';
import type { CatalogDb } from '../storage/schema';
import type { CatalogState } from './catalog.svelte';
import { ProfileState } from './profile.svelte';

/** The name a table's ruleset is saved under (one per table for now, as Glue's default). */
export const DEFAULT_RULESET = 'default';

export class QualityState {
  ruleset = $state.raw<RulesetRecord | undefined>(undefined);
  evaluations = $state.raw<EvaluationRecord[]>([]);
  running = $state(false);
  progress = $state.raw<QualityProgress | null>(null);
  error = $state('');
  /** The last sensitive data detection on the shown table, and its threshold. */
  findings = $state.raw<{
    threshold: number;
    columns: ColumnFinding[];
    /** 'column': a sample, shares; 'cell': every cell, counts. */
    by: 'column' | 'cell';
  } | null>(null);
  detecting = $state(false);
  /** The user's own entity types, as saved in the settings store. */
  customEntities = $state.raw<CustomEntityType[]>([]);
  private shown = '';
  private readonly db: Promise<CatalogDb>;
  private abort: AbortController | null = null;
  private store: Promise<QualityStore>;
  /** The table's profile (DataBrew's), which recommendations read when it is current. */
  readonly profiles: ProfileState;

  constructor(
    private readonly engine: EngineClient,
    db: Promise<CatalogDb>,
    private readonly catalog: CatalogState,
  ) {
    this.store = db.then((d) => new QualityStore(d));
    this.db = db;
    void db
      .then(loadCustomEntities)
      .then((list) => (this.customEntities = list))
      .catch(() => undefined);
    this.profiles = new ProfileState(engine, db, catalog, (d, t, signal) =>
      this.columns(d, t, signal),
    );
  }

  /** Saves the user's entity types; throws a `quality:` DecantError naming a bad one. */
  async saveCustomEntities(list: CustomEntityType[]): Promise<void> {
    await saveCustomEntities(await this.db, list);
    this.customEntities = list;
  }

  /** Loads the table's ruleset and evaluations. */
  async show(database: string, table: string): Promise<void> {
    const k = `${database}\u0000${table}`;
    this.shown = k;
    const store = await this.store;
    const [sets, evaluations] = await Promise.all([
      store.listRulesets(database, table),
      store.listEvaluations(database, table),
    ]);
    if (this.shown !== k) return;
    this.findings = null;
    this.ruleset = sets.find((s) => s.name === DEFAULT_RULESET);
    this.evaluations = evaluations;
  }

  /** The rulesets saved on a table (an Evaluate Data Quality node offers them). */
  async savedRulesets(database: string, table: string): Promise<RulesetRecord[]> {
    return (await this.store).listRulesets(database, table);
  }

  /** Saves the text (it must parse: throws DqdlSyntaxError otherwise). */
  async save(database: string, table: string, text: string): Promise<void> {
    parseDqdl(text);
    const r: RulesetRecord = {
      database,
      table,
      name: DEFAULT_RULESET,
      text,
      updatedAt: Date.now(),
    };
    await (await this.store).saveRuleset(r);
    this.ruleset = r;
  }

  /** Saves and runs the ruleset; the evaluation is stored and shown first in the history. */
  async run(database: string, table: string, text: string): Promise<void> {
    if (this.running) return;
    this.error = '';
    this.running = true;
    this.progress = null;
    const abort = (this.abort = new AbortController());
    try {
      await this.save(database, table, text);
      const t = this.catalog.table(database, table);
      if (!t) throw new DecantError(`quality: no table ${database}.${table}`);
      const a = await this.catalog.attach(t);
      if (a.kind !== 'attached')
        throw new DecantError(`quality: ${database}.${table} cannot be read now`);
      const resolve = (name: string) => {
        const [d, n] = name.includes('.') ? name.split('.', 2) : [database, name];
        return this.catalog.table(d!, n!);
      };
      for (const name of referencedTables(parseDqdl(text))) {
        const ref = resolve(name);
        if (ref) await this.catalog.attach(ref);
      }
      const columns = await this.columns(database, table, abort.signal);
      const evaluation = await evaluateRuleset(this.engine, {
        table: { database, name: table },
        ruleset: DEFAULT_RULESET,
        text,
        columns,
        resolveTable: (name) => {
          const ref = resolve(name);
          return ref ? { database: ref.database, name: ref.name } : undefined;
        },
        signal: abort.signal,
        onProgress: (p) => (this.progress = p),
      });
      await (await this.store).addEvaluation(evaluation);
      if (this.shown === `${database}\u0000${table}`)
        this.evaluations = [evaluation, ...this.evaluations];
    } catch (e) {
      this.error =
        e instanceof DecantError && e.code === 'cancelled'
          ? 'Run cancelled: nothing was recorded.'
          : e instanceof Error
            ? e.message
            : String(e);
    } finally {
      this.running = false;
      this.abort = null;
    }
  }

  /** The table's columns as the engine serves it (data columns, then partition keys). */
  private async columns(database: string, table: string, signal?: AbortSignal) {
    const [d] = await this.engine.qualityQueries(
      [sql`DESCRIBE ${ident(database, table)}`.text],
      () => undefined,
      signal,
    );
    if (!d || 'error' in d)
      throw new DecantError(`quality: ${d?.error ?? 'cannot describe the table'}`);
    return d.rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  }

  /**
   * Glue's "Detect sensitive data": by column on a sample of the table's rows (entity types
   * reaching `threshold`), or by cell over every row (every entity type found, with counts).
   */
  async detect(
    database: string,
    table: string,
    threshold: number,
    by: 'column' | 'cell' = 'column',
  ): Promise<void> {
    this.error = '';
    this.detecting = true;
    try {
      const t = this.catalog.table(database, table);
      if (!t) throw new DecantError(`quality: no table ${database}.${table}`);
      if ((await this.catalog.attach(t)).kind !== 'attached')
        throw new DecantError(`quality: ${database}.${table} cannot be read now`);
      const ref = { database, name: table };
      const all = await this.columns(database, table);
      const customEntities = this.customEntities;
      const columns =
        by === 'cell'
          ? await detectSensitiveCells(this.engine, ref, all, { customEntities })
          : await detectSensitiveColumns(this.engine, ref, all, { threshold, customEntities });
      if (this.shown === `${database}\u0000${table}`) this.findings = { threshold, columns, by };
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.detecting = false;
    }
  }

  cancel(): void {
    this.abort?.abort();
  }

  /**
   * A ruleset recommended from the table's profile when one of its current version is stored
   * (no second scan), else from its column statistics (computed when there are none).
   */
  async recommend(database: string, table: string): Promise<string> {
    const t = this.catalog.table(database, table);
    if (!t) throw new DecantError(`quality: no table ${database}.${table}`);
    const profile = await this.profiles.current(database, table);
    if (profile)
      return recommendRuleset(
        { rowCount: profile.rowCount, tableRows: profile.tableRows, columns: profile.columns },
        profile.sample.kind === 'all' ? 'the table’s profile' : 'the table’s profile, sampled,',
      );
    const stats =
      (await this.catalog.getStatistics(database, table, t.version)) ??
      (await this.catalog.computeStatistics(t));
    if (!stats) throw new DecantError(`quality: no statistics for ${database}.${table}`);
    return recommendRuleset(stats);
  }
}
