/**
 * The trigger form's pure parts: a blank trigger of each kind, `--name value` arguments, and
 * what the schedule field shows as the user types (the next five times, or the error at its
 * character).
 */
import {
  nextFireTimes,
  ScheduleError,
  type Trigger,
  type TriggerKind,
  type TriggerProblemField,
} from '.';

/** A new trigger of `kind`, keeping what the kinds share from `from`. */
export function blankTrigger(kind: TriggerKind, from?: Trigger): Trigger {
  const base = {
    id: from?.id ?? `trigger-${crypto.randomUUID()}`,
    name: from?.name ?? '',
    description: from?.description ?? '',
    actions: from?.actions ?? [],
    activated: from?.activated ?? true,
    activatedAt: 0,
    createdAt: from?.createdAt ?? 0,
    updatedAt: 0,
    ...(from?.workflowName === undefined ? {} : { workflowName: from.workflowName }),
  };
  switch (kind) {
    case 'ON_DEMAND':
      return { ...base, kind };
    case 'SCHEDULED':
      return {
        ...base,
        kind,
        schedule: 'cron(0 12 * * ? *)',
        timeZone: 'UTC',
        missedRuns: 'run-once',
      };
    case 'CONDITIONAL':
      return { ...base, kind, predicate: { logical: 'ALL', conditions: [] } };
    case 'EVENT':
      return {
        ...base,
        kind,
        source: { kind: 'folder', sourceId: '', label: '' },
        pollSeconds: 60,
        batching: { batchSize: 1, windowSeconds: 900 },
      };
  }
}

/**
 * Run arguments and run properties are typed as the Jobs area and Glue's console take them:
 * `--name value`, quoted when they hold spaces. Saved triggers keep them as objects, so triggers
 * saved when the form took `key=value` lines read and show the same.
 */
export { argumentsFromText, argumentsText } from '../jobs';

export type SchedulePreview =
  | { kind: 'times'; times: number[] }
  | {
      kind: 'error';
      field: 'schedule' | 'timeZone';
      message: string;
      position: number;
      length: number;
    };

/** The next five fire times after `now`, or where the expression (or zone) is wrong. */
export function previewSchedule(
  expression: string,
  timeZone: string,
  now: number,
): SchedulePreview {
  try {
    return { kind: 'times', times: nextFireTimes(expression, timeZone, now, 5) };
  } catch (e) {
    if (!(e instanceof ScheduleError)) throw e;
    return {
      kind: 'error',
      field: e.field === 'time zone' ? 'timeZone' : 'schedule',
      message: e.message,
      position: e.position,
      length: e.length,
    };
  }
}

/** Problems by field, for showing each beside its input. */
export function problemsByField(
  problems: readonly TriggerProblemField[],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of problems) (out[p.field] ??= []).push(p.message);
  return out;
}

/** What each of Glue's trigger types does, in words; the Glue name is shown beside it. */
export const TRIGGER_KIND_WORDS: Record<TriggerKind, string> = {
  ON_DEMAND: 'On demand',
  SCHEDULED: 'On a schedule',
  CONDITIONAL: 'When jobs or crawlers finish',
  EVENT: 'When new files arrive',
};

/** IANA zones this browser knows, UTC first. */
export function timeZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  const all = intl.supportedValuesOf?.('timeZone') ?? [];
  return ['UTC', ...all.filter((z) => z !== 'UTC')];
}
