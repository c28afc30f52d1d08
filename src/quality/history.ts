import type { EvaluationRecord } from './model';

/**
 * When a rule started failing: the start of the newest unbroken run of FAIL outcomes for the
 * rule's text, or undefined when its latest outcome is not FAIL. `evaluations` newest first.
 */
export function failingSince(
  evaluations: readonly EvaluationRecord[],
  rule: string,
): number | undefined {
  let since: number | undefined;
  for (const e of evaluations) {
    const r = e.results.find((x) => x.rule === rule);
    if (!r) continue;
    if (r.outcome !== 'FAIL') break;
    since = e.startedAt;
  }
  return since;
}
