/**
 * Schedules: AWS's `cron(15 12 * * ? *)` and the standard five-field syntax, read in an IANA time
 * zone, and the instants they fire at. croner (11) computes the calendar; `cron-fields.ts` checks
 * and translates the text.
 *
 * Daylight saving time: AWS expressions follow EventBridge Scheduler's documented rule — a wall
 * time that does not exist (spring forward) is skipped, and one that happens twice (fall back) fires
 * once, at its first occurrence. Standard expressions follow Vixie cron, as croner does: a fixed
 * time in the gap fires at the first valid time after it, the same day; interval schedules skip the
 * gap and fire on both passes through a repeated hour.
 */
import { Cron } from 'croner';
import { cronerPatternFrom, ScheduleError, type CronerPattern } from './cron-fields';

export { ScheduleError, type CronFieldName, type CronSyntax } from './cron-fields';

/** A checked schedule: plain data; keep it instead of parsing again. */
export interface Schedule extends CronerPattern {
  /** The expression as typed. */
  expression: string;
  /** The canonical IANA name, e.g. `Europe/Berlin` for `europe/berlin`. */
  timeZone: string;
}

/** Checks `expression` and `timeZone`; throws ScheduleError naming the field and character. */
export function parseSchedule(expression: string, timeZone: string): Schedule {
  const zone = canonicalTimeZone(timeZone);
  const translated = cronerPatternFrom(expression);
  return { ...translated, expression, timeZone: zone };
}

/** The canonical name of an IANA time zone; throws ScheduleError for an unknown one. */
export function canonicalTimeZone(timeZone: string): string {
  const name = timeZone.trim();
  if (name === '') throw new ScheduleError('no time zone given (e.g. UTC)', 'time zone', 0, 0);
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw new ScheduleError(
      `"${name}" is not an IANA time zone (e.g. UTC, Europe/Berlin, America/New_York)`,
      'time zone',
      0,
      0,
    );
  }
}

/**
 * The next `n` fire times strictly after `from`, as epoch milliseconds, ascending; fewer when the
 * schedule ends (a year field in the past, 31 February). Throws ScheduleError for a bad expression.
 */
export function nextFireTimes(
  expression: string,
  timeZone: string,
  from: number | Date,
  n: number,
): number[] {
  return fireTimesAfter(parseSchedule(expression, timeZone), +from, n);
}

/** The next `n` fire times of a parsed schedule strictly after `after`. */
export function fireTimesAfter(schedule: Schedule, after: number, n: number): number[] {
  const cron = cronFor(schedule);
  const out: number[] = [];
  let cursor = new Date(after);
  // Each step moves forward; the bound only guards against a schedule croner cannot end.
  for (let steps = 0; out.length < n && steps < n + 10_000; steps++) {
    const next = cron.nextRun(cursor);
    if (!next) break;
    const t = next.getTime();
    if (keeps(schedule, cron, t)) out.push(t);
    cursor = next;
  }
  return out;
}

/**
 * The fire times in (`after`, `until`], newest first, at most `limit` of them; `more` says older ones
 * in the interval were left out.
 */
export function fireTimesBetween(
  schedule: Schedule,
  after: number,
  until: number,
  limit: number,
): { times: number[]; more: boolean } {
  const cron = cronFor(schedule);
  const times: number[] = [];
  // previousRuns excludes its reference instant and reads it in whole seconds; `until` itself is in
  // the interval, so start a second later and drop anything after `until`.
  let cursor = new Date(until + 1000);
  // Small steps first: most intervals hold a few times, and croner walks back per time asked.
  for (let size = 8; ; size = Math.min(size * 2, 512)) {
    const batch = cron.previousRuns(Math.min(limit - times.length + 1, size), cursor);
    for (const date of batch) {
      const t = date.getTime();
      if (t <= after) return { times, more: false };
      if (t > until || !keeps(schedule, cron, t)) continue;
      if (times.length === limit) return { times, more: true };
      times.push(t);
    }
    const last = batch.at(-1);
    if (!last) return { times, more: false };
    cursor = last;
  }
}

function keeps(schedule: Schedule, cron: Cron, t: number): boolean {
  if (schedule.syntax !== 'aws') return true;
  // croner moves a fixed time in the gap to just after it; AWS skips it. croner's match() reads the
  // instant's wall time in the zone, which is not the pattern's then.
  if (!cron.match(new Date(t))) return false;
  return !isSecondPass(t, schedule.timeZone);
}

/** Whether the wall time at `t` already happened earlier (the repeated hour after fall back). */
function isSecondPass(t: number, timeZone: string): boolean {
  const wall = wallTime(t, timeZone);
  // Zones shift by 30 minutes (Lord Howe), one hour, or two (Troll).
  return [30, 60, 120].some((minutes) => wallTime(t - minutes * 60_000, timeZone) === wall);
}

const formats = new Map<string, Intl.DateTimeFormat>();

function wallTime(t: number, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formats.set(timeZone, format);
  }
  return format.format(t);
}

const crons = new Map<string, Cron>();

function cronFor(schedule: Schedule): Cron {
  const key = `${schedule.pattern}|${schedule.domAndDow}|${schedule.timeZone}`;
  let cron = crons.get(key);
  if (!cron) {
    // No callback: croner only computes, it starts no timer.
    cron = new Cron(schedule.pattern, {
      timezone: schedule.timeZone,
      mode: '7-part',
      domAndDow: schedule.domAndDow,
    });
    if (crons.size >= 256) crons.clear();
    crons.set(key, cron);
  }
  return cron;
}
