/**
 * A scheduler trigger's cron expression as Glue takes it: AWS's six-field `cron(m h dom mon dow
 * year)`. Standard five-field expressions are rewritten (day-of-week 0–7 → 1–7, one day field
 * `?`); what AWS cron cannot say is a problem in words, never a schedule that fires otherwise.
 */
import { parseSchedule } from '../scheduler';

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const wild = (f: string) => f === '*' || f === '?';

/** One standard day-of-week item (`1`, `1-5`, `5L`, `1#2`, `MON`) in AWS's numbering, or null. */
function awsWeekdayItem(item: string): string | null {
  const day = (n: number) => String((n % 7) + 1);
  if (/^[A-Za-z]{3}(-[A-Za-z]{3})?$/.test(item)) return item.toUpperCase();
  let m = /^(\d)$/.exec(item);
  if (m) return day(Number(m[1]));
  m = /^(\d)-(\d)$/.exec(item);
  if (m) {
    // Expanded: AWS numbers Sunday 1, so a range through Sunday would wrap.
    const out: string[] = [];
    for (let n = Number(m[1]); n <= Number(m[2]); n++) out.push(day(n));
    return [...new Set(out)].join(',');
  }
  m = /^(\d)(L|#\d)$/.exec(item);
  if (m) return day(Number(m[1])) + m[2]!;
  return null;
}

/** `schedule` (AWS or standard cron) as AWS cron, or why Glue cannot run it on that schedule. */
export function awsCron(schedule: string): { cron: string } | { problem: string } {
  try {
    parseSchedule(schedule, 'UTC');
  } catch (e) {
    return { problem: e instanceof Error ? e.message : String(e) };
  }
  const trimmed = schedule.trim();
  if (/^cron\s*\(/i.test(trimmed))
    return { cron: `cron(${/\((.*)\)/s.exec(trimmed)![1]!.trim().split(/\s+/).join(' ')})` };
  const fields = (NICKNAMES[trimmed.toLowerCase()] ?? trimmed).split(/\s+/);
  if (fields.length === 6) return { cron: `cron(${fields.join(' ')})` };
  const [min, hour, dom, month, dow] = fields as [string, string, string, string, string];
  if (!wild(dom) && !wild(dow))
    return {
      problem:
        `"${trimmed}" restricts both day-of-month and day-of-week (standard cron fires when ` +
        'either matches); AWS cron takes one of them only',
    };
  if (wild(dow)) return { cron: `cron(${min} ${hour} ${wild(dom) ? '*' : dom} ${month} ? *)` };
  const items = dow.split(',').map(awsWeekdayItem);
  if (items.some((i) => i === null))
    return {
      problem: `day-of-week "${dow}" has a step or form AWS cron does not take; list the days`,
    };
  return { cron: `cron(${min} ${hour} ? ${month} ${items.join(',')} *)` };
}
