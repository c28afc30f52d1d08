/**
 * CONDITIONAL triggers: whether a run that just finished makes a trigger's predicate true, and over
 * which runs. A firing is named by those runs, so the same set of runs never fires a trigger twice.
 *
 * Evaluated when a watched run finishes, as Glue does: ANY fires once per satisfying run; ALL fires
 * when the finished run satisfies its condition and every other condition holds over the latest
 * finished run of its job or crawler. Only runs that ended at or after the trigger's `activatedAt`
 * count. A trigger in a workflow only sees runs of the same workflow run.
 */
import type { ConditionalTrigger, RunOutcome, TriggerCondition } from './model';

export interface ConditionFiring {
  /** Unique per trigger and set of runs: `<triggerId>|runs|<workflowRunId>|<runIds sorted>`. */
  key: string;
  /** The runs that made the predicate true, one per watched job or crawler. */
  runs: RunOutcome[];
  workflowRunId?: string;
}

/** The job or crawler a condition watches, as `job:<name>` / `crawler:<name>`. */
export function conditionTarget(condition: TriggerCondition): string {
  return condition.kind === 'job' ? `job:${condition.jobName}` : `crawler:${condition.crawlerName}`;
}

export function runTarget(run: Pick<RunOutcome, 'kind' | 'name'>): string {
  return `${run.kind}:${run.name}`;
}

/** Whether the trigger watches runs of this job or crawler. */
export function watches(
  trigger: ConditionalTrigger,
  run: Pick<RunOutcome, 'kind' | 'name'>,
): boolean {
  const target = runTarget(run);
  return trigger.predicate.conditions.some((c) => conditionTarget(c) === target);
}

/**
 * The firing `finished` causes, or undefined. `runs` are other finished runs known now (any order;
 * duplicates and unwatched ones are fine); `finished` stands for its own job or crawler.
 */
export function conditionFiring(
  trigger: ConditionalTrigger,
  finished: RunOutcome,
  runs: readonly RunOutcome[],
): ConditionFiring | undefined {
  const { conditions, logical } = trigger.predicate;
  if (!trigger.activated || conditions.length === 0) return undefined;
  if (finished.endedAt < trigger.activatedAt) return undefined;
  const scope = trigger.workflowName === undefined ? undefined : finished.workflowRunId;
  if (trigger.workflowName !== undefined && scope === undefined) return undefined;
  const target = runTarget(finished);
  const mine = conditions.filter((c) => conditionTarget(c) === target);
  if (!mine.some((c) => c.state === finished.state)) return undefined;

  if (logical === 'ANY') return firing(trigger, [finished], scope);

  const latest = new Map<string, RunOutcome>();
  for (const run of runs) {
    if (scope !== undefined && run.workflowRunId !== scope) continue;
    if (run.endedAt < trigger.activatedAt) continue;
    const key = runTarget(run);
    const seen = latest.get(key);
    if (
      !seen ||
      run.endedAt > seen.endedAt ||
      (run.endedAt === seen.endedAt && run.runId > seen.runId)
    ) {
      latest.set(key, run);
    }
  }
  latest.set(target, finished);
  const used = new Map<string, RunOutcome>();
  for (const condition of conditions) {
    const run = latest.get(conditionTarget(condition));
    if (!run || run.state !== condition.state) return undefined;
    used.set(runTarget(run), run);
  }
  return firing(trigger, [...used.values()], scope);
}

function firing(
  trigger: ConditionalTrigger,
  runs: RunOutcome[],
  workflowRunId: string | undefined,
): ConditionFiring {
  const ids = runs.map((r) => `${runTarget(r)}#${r.runId}`).sort();
  return {
    key: `${trigger.id}|runs|${workflowRunId ?? ''}|${ids.join(',')}`,
    runs,
    workflowRunId,
  };
}
