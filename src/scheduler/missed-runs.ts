/**
 * What a SCHEDULED trigger does about the times that came due while no tab was watching (or the
 * tab slept): the ones to fire now and the ones skipped, by its missed-run policy.
 */
import { fireTimesBetween, type Schedule } from './cron';
import type { MissedRunPolicy } from './model';

/** A scheduled time this late or less is on time, not missed: throttled background tabs fire late. */
export const DEFAULT_GRACE_MS = 2 * 60_000;
/** Times looked at per catch-up, newest first; older ones count as skipped. */
export const DEFAULT_MISSED_LIMIT = 1000;
/** At most this many missed times are run by `run-all`, the newest; older ones are skipped. */
export const DEFAULT_MAX_RUN_ALL = 100;

export interface MissedRunInput {
  /** Times up to and including this one were handled already (last firing, or activation). */
  after: number;
  now: number;
  policy: MissedRunPolicy;
  /** Default DEFAULT_GRACE_MS. */
  graceMs?: number;
  /** Default DEFAULT_MISSED_LIMIT. */
  limit?: number;
  /** Default DEFAULT_MAX_RUN_ALL. */
  maxRunAll?: number;
}

export interface MissedRunPlan {
  /** Scheduled times to fire now, oldest first; `late` ones are fired by the policy. */
  fire: { scheduledFor: number; late: boolean }[];
  /** Scheduled times not run, oldest first (at most `limit`). */
  skipped: number[];
  /** Still older times were skipped than `skipped` lists. */
  moreSkipped: boolean;
}

/**
 * Splits the times in (`after`, `now`] into on time (within the grace) and missed, then applies the
 * policy to the missed: `skip` runs none; `run-once` runs the newest unless an on-time firing is
 * happening anyway; `run-all` runs them all, oldest first, up to `maxRunAll`.
 */
export function planMissedRuns(schedule: Schedule, input: MissedRunInput): MissedRunPlan {
  const grace = input.graceMs ?? DEFAULT_GRACE_MS;
  const { times, more } = fireTimesBetween(
    schedule,
    input.after,
    input.now,
    input.limit ?? DEFAULT_MISSED_LIMIT,
  );
  const ascending = times.reverse();
  const onTime = ascending.filter((t) => input.now - t <= grace);
  const missed = ascending.filter((t) => input.now - t > grace);
  let run: number[] = [];
  if (input.policy === 'run-once' && onTime.length === 0) run = missed.slice(-1);
  if (input.policy === 'run-all') run = missed.slice(-(input.maxRunAll ?? DEFAULT_MAX_RUN_ALL));
  const skipped = missed.slice(0, missed.length - run.length);
  return {
    fire: [
      ...run.map((scheduledFor) => ({ scheduledFor, late: true })),
      ...onTime.map((scheduledFor) => ({ scheduledFor, late: false })),
    ],
    skipped,
    moreSkipped: more,
  };
}
