/**
 * What is wrong with a trigger as the user wrote it, field by field, before it is saved: the
 * editor shows every problem at once; the scheduler relies on saved triggers passing.
 */
import { parseSchedule, ScheduleError } from './cron';
import { checkBatching } from './event-batching';
import type { Trigger } from './model';

/** Polling a source more often than this gains nothing and costs requests. */
export const MIN_POLL_SECONDS = 10;

export interface TriggerProblemField {
  /** `name`, `actions`, `schedule`, `timeZone`, `predicate`, `pollSeconds`, `batching`. */
  field: string;
  message: string;
  /** For `schedule`: the 1-based character where the problem starts, 0 for the whole. */
  position?: number;
  length?: number;
}

/** Every problem of `trigger`; empty when it can be saved. */
export function triggerProblems(trigger: Trigger): TriggerProblemField[] {
  const problems: TriggerProblemField[] = [];
  const say = (field: string, message: string) =>
    problems.push({ field, message: `trigger: ${message}` });
  if (trigger.name.trim() === '') say('name', 'give the trigger a name');
  if (trigger.actions.length === 0) say('actions', 'choose at least one job or crawler to start');
  for (const action of trigger.actions) {
    const name = action.kind === 'job' ? action.jobName : action.crawlerName;
    if (name.trim() === '') say('actions', `an action names no ${action.kind}`);
    if (
      action.kind === 'job' &&
      action.timeoutMinutes !== undefined &&
      !(action.timeoutMinutes >= 1)
    ) {
      say('actions', `job "${name}": a timeout must be at least 1 minute`);
    }
  }
  if (trigger.kind === 'SCHEDULED') {
    try {
      parseSchedule(trigger.schedule, trigger.timeZone);
    } catch (e) {
      if (!(e instanceof ScheduleError)) throw e;
      problems.push({
        field: e.field === 'time zone' ? 'timeZone' : 'schedule',
        message: e.message,
        position: e.position,
        length: e.length,
      });
    }
  }
  if (trigger.kind === 'CONDITIONAL') {
    const { conditions } = trigger.predicate;
    if (conditions.length === 0) say('predicate', 'add at least one condition');
    const seen = new Set<string>();
    for (const c of conditions) {
      const text =
        c.kind === 'job'
          ? `job "${c.jobName}" ${c.state}`
          : `crawler "${c.crawlerName}" ${c.state}`;
      if (seen.has(text)) say('predicate', `the condition ${text} is listed twice`);
      seen.add(text);
    }
    for (const action of trigger.actions) {
      const watchesItself = conditions.some((c) =>
        c.kind === 'job' && action.kind === 'job'
          ? c.jobName === action.jobName
          : c.kind === 'crawler' &&
            action.kind === 'crawler' &&
            c.crawlerName === action.crawlerName,
      );
      if (watchesItself) {
        const name = action.kind === 'job' ? action.jobName : action.crawlerName;
        say('actions', `${action.kind} "${name}" would start itself again when it ends`);
      }
    }
  }
  if (trigger.kind === 'EVENT') {
    if (!Number.isFinite(trigger.pollSeconds) || trigger.pollSeconds < MIN_POLL_SECONDS) {
      say('pollSeconds', `poll every ${MIN_POLL_SECONDS} seconds or more`);
    }
    try {
      checkBatching(trigger.batching);
    } catch (e) {
      problems.push({ field: 'batching', message: (e as Error).message });
    }
  }
  return problems;
}
