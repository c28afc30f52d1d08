/**
 * Runs a DQDL ruleset on a catalog table: compiles it to the fewest queries (see QueryPlan), runs
 * them in the engine worker, then asks for a few failing rows of each row-level rule that had
 * any (a second, small round). Cancel with the signal: rejects with code 'cancelled'.
 */
import type { ColumnInfo } from '../../core/csv/dialect';
import type { Sql } from '../../core/sql/sql-template';
import type { QualityProgress, QualityQueryResult } from '../../engine/protocol';
import { parseDqdl } from '../dqdl/parse';
import type { EvaluationRecord, RuleOutcome } from '../model';
import { compileRule, relationOf, type EvaluationContext, type TableRef } from './compile-rules';
import { QueryPlan } from './query-plan';

/** What the evaluation needs of the engine and the catalog (narrow, so tests run it on Node). */
export interface QualityEngine {
  /** Runs read-only queries in order; see EngineApi.qualityQueries. */
  qualityQueries(
    queries: string[],
    onProgress: (p: QualityProgress) => void,
    signal?: AbortSignal,
  ): Promise<QualityQueryResult[]>;
}

export interface EvaluateOptions {
  table: TableRef;
  /** The name the ruleset is saved under. */
  ruleset: string;
  text: string;
  /** The table's columns as the engine serves it (data columns, then partition keys). */
  columns: ColumnInfo[];
  resolveTable: EvaluationContext['resolveTable'];
  /** Default: the moment the evaluation starts. */
  now?: Date;
  onProgress?: (p: QualityProgress) => void;
  signal?: AbortSignal;
  /** Default: crypto.randomUUID(). */
  id?: string;
  /** The rows to measure when they are not `table` itself (see EvaluationContext.relation). */
  relation?: Sql;
}

/** Throws DqdlSyntaxError when the text does not parse; every other problem is a rule's ERROR. */
export async function evaluateRuleset(
  engine: QualityEngine,
  o: EvaluateOptions,
): Promise<EvaluationRecord> {
  const startedAt = Date.now();
  const ruleset = parseDqdl(o.text);
  const ctx: EvaluationContext = {
    table: o.table,
    columns: o.columns,
    now: o.now ?? new Date(startedAt),
    resolveTable: o.resolveTable,
    ...(o.relation ? { relation: o.relation } : {}),
  };
  const plan = new QueryPlan(relationOf(ctx));
  const compiled = ruleset.rules.map((r) => compileRule(r, plan, ctx));
  const queries = plan.queries();
  const samples = compiled.filter((c) => c.sample);
  // Progress counts the measuring round and, at most, one sample per row-level rule.
  const total = queries.length + samples.length;
  const report = (done: number) => o.onProgress?.({ done, total });
  report(0);
  const results = queries.length
    ? await engine.qualityQueries(queries, (p) => report(p.done), o.signal)
    : [];
  const outcomes = compiled.map((c) => c.verdict(results));
  await addSamples(engine, compiled, outcomes, queries.length, total, o);
  const passed = outcomes.filter((x) => x.outcome === 'PASS').length;
  return {
    id: o.id ?? crypto.randomUUID(),
    database: o.table.database,
    table: o.table.name,
    ruleset: o.ruleset,
    text: o.text,
    startedAt,
    finishedAt: Date.now(),
    passed,
    total: outcomes.length,
    results: outcomes,
  };
}

type Compiled = ReturnType<typeof compileRule>;

/** Failing rows of each top-level row-level rule that had any, in one more round of queries. */
async function addSamples(
  engine: QualityEngine,
  compiled: Compiled[],
  outcomes: RuleOutcome[],
  done: number,
  total: number,
  o: EvaluateOptions,
): Promise<void> {
  const wanted = compiled
    .map((c, i) => ({ sample: c.sample, outcome: outcomes[i]! }))
    .filter((x) => x.sample && (x.outcome.failedRows ?? 0) > 0);
  if (!wanted.length) {
    o.onProgress?.({ done: total, total });
    return;
  }
  const results = await engine.qualityQueries(
    wanted.map((w) => w.sample!.text),
    (p) => o.onProgress?.({ done: done + p.done, total }),
    o.signal,
  );
  wanted.forEach((w, i) => {
    const r = results[i];
    if (!r || 'error' in r) return;
    const columns = r.rows[0] ? Object.keys(r.rows[0]) : [];
    w.outcome.sample = {
      columns,
      rows: r.rows.map((row) => columns.map((c) => (row[c] === null ? null : String(row[c])))),
    };
  });
  o.onProgress?.({ done: total, total });
}
