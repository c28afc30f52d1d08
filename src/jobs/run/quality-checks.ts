/**
 * A run's data quality stage: each Evaluate Data Quality node's ruleset measured on its input's
 * rows (src/quality's evaluation over the node's input statement as a subquery), before any
 * target runs. The verdict says which nodes stop the run, and when (before or after writing).
 */
import { DecantError } from '../../core/errors';
import { raw } from '../../core/sql/sql-template';
import { quotedName } from '../../core/quoted-name';
import { evaluateRuleset, type TableRef } from '../../quality';
import type { CompiledQualityCheck } from '../compile';
import type { SourceTable } from '../context';
import type { DataQualityFailureAction, NodeId } from '../model';
import type { RunLogLine, RunQualityResult } from '../run-model';
import type { JobEngine } from './ports';

export interface QualityStageInput {
  job: string;
  checks: readonly CompiledQualityCheck[];
  engine: Pick<JobEngine, 'qualityQueries'>;
  /** The catalog tables the run attached (what ReferentialIntegrity and RowCountMatch may name). */
  tables: readonly Pick<SourceTable, 'database' | 'name'>[];
  signal: AbortSignal;
  /** The run's start: `now()` in the rules. */
  now: Date;
  onProgress(done: number, total: number): void;
  log(level: RunLogLine['level'], message: string): void;
}

/** Measures every check in order; rejects with code 'cancelled' once `signal` aborts. */
export async function runQualityChecks(input: QualityStageInput): Promise<RunQualityResult[]> {
  const out: RunQualityResult[] = [];
  for (const [i, c] of input.checks.entries()) {
    const relation = raw(`(${c.sql})`);
    const [described] = await input.engine.qualityQueries(
      [`DESCRIBE SELECT * FROM ${relation.text}`],
      () => undefined,
      input.signal,
    );
    if (!described || 'error' in described)
      throw Object.assign(
        new DecantError(
          `job: Evaluate Data Quality ${quotedName(c.name)}: its input cannot be read: ${described && 'error' in described ? described.error : 'no answer'}`,
        ),
        { nodeId: c.nodeId },
      );
    const columns = described.rows.map((r) => ({
      name: String(r.column_name),
      type: String(r.column_type),
    }));
    const evaluation = await evaluateRuleset(input.engine, {
      table: { database: input.job, name: c.name },
      ruleset: c.name,
      text: c.ruleset,
      columns,
      relation,
      resolveTable: (name) => resolveTable(input.tables, name),
      now: input.now,
      signal: input.signal,
      onProgress: (p) => input.onProgress(i + p.done / Math.max(1, p.total), input.checks.length),
    });
    const failed = evaluation.results.filter((r) => r.outcome !== 'PASS');
    input.log(
      failed.length > 0 ? 'warn' : 'info',
      `data quality ${quotedName(c.name)}: ${evaluation.passed} of ${evaluation.total} rule(s) passed` +
        (failed.length > 0 ? `; not passed: ${failed.map((r) => r.rule).join('; ')}` : ''),
    );
    out.push({ nodeId: c.nodeId, node: c.name, onFailure: c.onFailure, evaluation });
  }
  return out;
}

/** A table the rules name: `table` or `database.table`, among those the run attached. */
function resolveTable(
  tables: readonly Pick<SourceTable, 'database' | 'name'>[],
  name: string,
): TableRef | undefined {
  const dot = name.indexOf('.');
  const t =
    dot > 0
      ? tables.find((x) => x.database === name.slice(0, dot) && x.name === name.slice(dot + 1))
      : tables.find((x) => x.name === name);
  return t ? { database: t.database, name: t.name } : undefined;
}

/**
 * The error that ends a run whose checks with action `when` had a rule not passing (FAIL or
 * ERROR), naming the node and its rules; undefined when none did.
 */
export function qualityFailure(
  results: readonly RunQualityResult[],
  when: Exclude<DataQualityFailureAction, 'continue'>,
): (DecantError & { nodeId?: NodeId }) | undefined {
  const failing = results.filter(
    (r) => r.onFailure === when && r.evaluation.results.some((x) => x.outcome !== 'PASS'),
  );
  if (failing.length === 0) return undefined;
  const parts = failing.map((r) => {
    const bad = r.evaluation.results.filter((x) => x.outcome !== 'PASS');
    return (
      `Evaluate Data Quality ${quotedName(r.node)}: ${bad.length} of ${r.evaluation.total} rule(s) did not pass: ` +
      bad.map((x) => `${x.rule} (${x.outcome})`).join('; ')
    );
  });
  const written =
    when === 'fail-before-write' ? 'nothing was written' : 'the output was written first';
  return Object.assign(new DecantError(`job: data quality: ${parts.join(' · ')}; ${written}`), {
    nodeId: failing[0]!.nodeId,
  });
}
