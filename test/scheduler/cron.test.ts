import { describe, expect, it } from 'vitest';
import {
  fireTimesBetween,
  nextFireTimes,
  parseSchedule,
  ScheduleError,
} from '../../src/scheduler/cron';
import { decantErrorFrom } from '../support/decant-error';
import { at, iso } from './support';

const next = (expr: string, from: string, n = 5, tz = 'UTC') =>
  iso(nextFireTimes(expr, tz, at(from), n));

function scheduleError(expr: string, tz = 'UTC'): ScheduleError {
  const e = decantErrorFrom(() => parseSchedule(expr, tz), expr);
  expect(e).toBeInstanceOf(ScheduleError);
  return e as ScheduleError;
}

describe('AWS cron(...)', () => {
  it('reads the Glue console examples', () => {
    expect(next('cron(15 12 * * ? *)', '2025-03-01T00:00:00Z', 2)).toEqual([
      '2025-03-01T12:15:00.000Z',
      '2025-03-02T12:15:00.000Z',
    ]);
    // Every 10 minutes Monday to Friday: 1 March 2025 is a Saturday.
    expect(next('cron(0/10 * ? * MON-FRI *)', '2025-03-01T00:00:00Z', 3)).toEqual([
      '2025-03-03T00:00:00.000Z',
      '2025-03-03T00:10:00.000Z',
      '2025-03-03T00:20:00.000Z',
    ]);
    expect(next('cron(0 8 1 * ? *)', '2025-03-01T09:00:00Z', 2)).toEqual([
      '2025-04-01T08:00:00.000Z',
      '2025-05-01T08:00:00.000Z',
    ]);
  });

  it('numbers days of the week 1–7 from Sunday, as AWS does (croner numbers them from 0)', () => {
    // 2 = Monday in AWS; in croner 2 would be Tuesday.
    expect(next('cron(0 9 ? * 2 *)', '2025-03-01T00:00:00Z', 2)).toEqual([
      '2025-03-03T09:00:00.000Z',
      '2025-03-10T09:00:00.000Z',
    ]);
    expect(next('cron(0 9 ? * 1 *)', '2025-03-01T00:00:00Z', 1)).toEqual([
      '2025-03-02T09:00:00.000Z', // Sunday
    ]);
    expect(next('cron(0 9 ? * 7 *)', '2025-03-02T00:00:00Z', 1)).toEqual([
      '2025-03-08T09:00:00.000Z', // Saturday
    ]);
    expect(
      next('cron(0 9 ? * 2-6 *)', '2025-03-01T00:00:00Z', 6).map((d) => d.slice(0, 10)),
    ).toEqual(['2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07', '2025-03-10']);
    expect(next('cron(0 9 ? * sun,sat *)', '2025-03-03T00:00:00Z', 2)).toEqual([
      '2025-03-08T09:00:00.000Z',
      '2025-03-09T09:00:00.000Z',
    ]);
  });

  it('supports L, LW, W and # as AWS documents them', () => {
    const days = (expr: string, n = 3) =>
      next(expr, '2025-01-01T00:00:00Z', n).map((d) => d.slice(0, 10));
    expect(days('cron(0 8 L * ? *)')).toEqual(['2025-01-31', '2025-02-28', '2025-03-31']);
    // Last weekday: 31 May 2025 is a Saturday.
    expect(days('cron(0 8 LW 5 ? *)', 1)).toEqual(['2025-05-30']);
    // Weekday nearest the 15th: 15 Feb 2025 is a Saturday (→ Friday 14th), 15 Jun a Sunday (→ 16th).
    expect(days('cron(0 8 15W 2,6 ? *)', 2)).toEqual(['2025-02-14', '2025-06-16']);
    // 1W never crosses into the month before: 1 Feb 2025 is a Saturday, so Monday the 3rd.
    expect(days('cron(0 8 1W 2 ? *)', 1)).toEqual(['2025-02-03']);
    // 3#2: the second Tuesday.
    expect(days('cron(0 8 ? * 3#2 *)')).toEqual(['2025-01-14', '2025-02-11', '2025-03-11']);
    expect(days('cron(0 8 ? * MON#1 *)', 2)).toEqual(['2025-01-06', '2025-02-03']);
    // 6L: the last Friday; L alone: the last day of the week, Saturday.
    expect(days('cron(0 8 ? * 6L *)')).toEqual(['2025-01-31', '2025-02-28', '2025-03-28']);
    expect(days('cron(0 8 ? * L *)', 2)).toEqual(['2025-01-04', '2025-01-11']);
  });

  it('honours the year field', () => {
    expect(next('cron(0 12 1 1 ? 2027)', '2025-03-01T00:00:00Z')).toEqual([
      '2027-01-01T12:00:00.000Z',
    ]);
    expect(next('cron(0 12 1 1 ? 2026/2)', '2025-03-01T00:00:00Z', 3)).toEqual([
      '2026-01-01T12:00:00.000Z',
      '2028-01-01T12:00:00.000Z',
      '2030-01-01T12:00:00.000Z',
    ]);
    expect(next('cron(0 12 29 2 ? 2025-2029)', '2025-01-01T00:00:00Z')).toEqual([
      '2028-02-29T12:00:00.000Z',
    ]);
    // A schedule whose years are over, or a day that never comes, has no fire times.
    expect(next('cron(0 12 1 1 ? 2024)', '2025-03-01T00:00:00Z')).toEqual([]);
    expect(next('cron(0 12 30 2 ? *)', '2025-03-01T00:00:00Z')).toEqual([]);
  });

  it('reads the time in the chosen time zone', () => {
    // 12:15 in Kolkata (UTC+5:30) is 06:45 UTC; in New York in winter (UTC-5) 17:15 UTC.
    expect(next('cron(15 12 * * ? *)', '2025-01-10T00:00:00Z', 1, 'Asia/Kolkata')).toEqual([
      '2025-01-10T06:45:00.000Z',
    ]);
    expect(next('cron(15 12 * * ? *)', '2025-01-10T00:00:00Z', 1, 'America/New_York')).toEqual([
      '2025-01-10T17:15:00.000Z',
    ]);
    // Day-of-week is the zone's: Monday 00:30 in Tokyo is still Sunday in UTC.
    expect(next('cron(30 0 ? * MON *)', '2025-03-01T00:00:00Z', 1, 'Asia/Tokyo')).toEqual([
      '2025-03-02T15:30:00.000Z',
    ]);
    // The year is the zone's too: New Year in Auckland is 31 December in UTC.
    expect(next('cron(0 0 1 1 ? 2026)', '2025-03-01T00:00:00Z', 1, 'Pacific/Auckland')).toEqual([
      '2025-12-31T11:00:00.000Z',
    ]);
  });

  it('follows EventBridge Scheduler on DST days: a time that does not exist is skipped', () => {
    // New York springs forward at 02:00 on 9 March 2025: 02:30 does not exist that day.
    expect(next('cron(30 2 * * ? *)', '2025-03-08T00:00:00Z', 3, 'America/New_York')).toEqual([
      '2025-03-08T07:30:00.000Z', // 02:30 EST
      '2025-03-10T06:30:00.000Z', // 02:30 EDT; the 9th is skipped
      '2025-03-11T06:30:00.000Z',
    ]);
    // Every 30 minutes from 01:00 to 03:59: 02:00 and 02:30 do not exist.
    const local = next('cron(0/30 1-3 9 3 ? 2025)', '2025-03-09T00:00:00Z', 6, 'America/New_York');
    expect(local).toEqual([
      '2025-03-09T06:00:00.000Z', // 01:00 EST
      '2025-03-09T06:30:00.000Z', // 01:30 EST
      '2025-03-09T07:00:00.000Z', // 03:00 EDT
      '2025-03-09T07:30:00.000Z', // 03:30 EDT
    ]);
  });

  it('follows EventBridge Scheduler on DST days: a time that happens twice fires once', () => {
    // New York falls back at 02:00 EDT on 2 November 2025: 01:00–01:59 happens twice.
    expect(next('cron(30 1 * * ? *)', '2025-11-01T12:00:00Z', 2, 'America/New_York')).toEqual([
      '2025-11-02T05:30:00.000Z', // 01:30 EDT, the first pass
      '2025-11-03T06:30:00.000Z',
    ]);
    expect(
      next('cron(0/30 1-2 2 11 ? 2025)', '2025-11-02T00:00:00Z', 9, 'America/New_York'),
    ).toEqual([
      '2025-11-02T05:00:00.000Z', // 01:00 EDT
      '2025-11-02T05:30:00.000Z', // 01:30 EDT (not again at 01:00 and 01:30 EST)
      '2025-11-02T07:00:00.000Z', // 02:00 EST
      '2025-11-02T07:30:00.000Z', // 02:30 EST
    ]);
    // Starting inside the second pass does not fire the repeat either.
    expect(
      next('cron(0/30 1-2 2 11 ? 2025)', '2025-11-02T05:45:00Z', 1, 'America/New_York'),
    ).toEqual(['2025-11-02T07:00:00.000Z']);
    // Lord Howe Island shifts by half an hour.
    expect(
      next('cron(0/15 1 6 4 ? 2025)', '2025-04-05T00:00:00Z', 9, 'Australia/Lord_Howe'),
    ).toEqual([
      '2025-04-05T14:00:00.000Z', // 01:00 +11
      '2025-04-05T14:15:00.000Z',
      '2025-04-05T14:30:00.000Z',
      '2025-04-05T14:45:00.000Z', // 01:45 +11; 01:30 and 01:45 again at +10:30 are skipped
    ]);
  });

  it('says which field is wrong and where, in AWS terms', () => {
    const e = scheduleError('cron(0 12 ? * 8 *)');
    expect(e.message).toBe('schedule: day-of-week: 8 is out of range 1–7');
    expect([e.field, e.position, e.length]).toEqual(['day-of-week', 15, 1]);
    const cases: [string, string, string, number][] = [
      ['cron(60 12 * * ? *)', 'minutes: 60 is out of range 0–59', 'minutes', 6],
      ['cron(0 24 * * ? *)', 'hours: 24 is out of range 0–23', 'hours', 8],
      ['cron(0 12 32 * ? *)', 'day-of-month: 32 is out of range 1–31', 'day-of-month', 11],
      ['cron(0 12 * 13 ? *)', 'month: 13 is out of range 1–12', 'month', 13],
      ['cron(0 12 * * ? 1969)', 'year: 1969 is out of range 1970–2199', 'year', 17],
      ['cron(0 12 * * ? 2200)', 'year: 2200 is out of range 1970–2199', 'year', 17],
      ['cron(0 12 ? * 0 *)', 'day-of-week: 0 is out of range 1–7', 'day-of-week', 15],
      [
        'cron(0 12 * JAN-XYZ ? *)',
        'month: "XYZ" is not a month value (use 1–12 or JAN–DEC)',
        'month',
        17,
      ],
      [
        'cron(0 12 ? * MON/2 *)',
        'day-of-week: / is not allowed here (AWS day-of-week takes , - * ? L #)',
        'day-of-week',
        18,
      ],
      [
        'cron(0 12 ? * 3#1,6#3 *)',
        'day-of-week: # cannot be combined with a list',
        'day-of-week',
        16,
      ],
      ['cron(0 12 ? * 3#6 *)', 'day-of-week: #6 is out of range #1–#5', 'day-of-week', 16],
      [
        'cron(0 12 L-3 * ? *)',
        'day-of-month: L-n (days before the last) is not supported',
        'day-of-month',
        11,
      ],
      [
        'cron(0 22-2 * * ? *)',
        'hours: the range 22-2 goes backwards; write it as two ranges, e.g. 22-23,0-2',
        'hours',
        8,
      ],
      ['cron(0 12,,13 * * ? *)', 'hours: an empty list item', 'hours', 11],
      ['cron(0/0 12 * * ? *)', 'minutes: the step must be at least 1', 'minutes', 8],
      [
        'cron(0 12 1-5W * ? *)',
        'day-of-month: 1-5W is not a day-of-month (use a number 1–31, L, LW or nW)',
        'day-of-month',
        11,
      ],
      ['cron(0 12 * * ? L)', 'year: L is not allowed in year', 'year', 17],
      ['cron(0 ? * * ? *)', 'hours: ? is only allowed in day-of-month and day-of-week', 'hours', 8],
    ];
    for (const [expr, message, field, position] of cases) {
      const err = scheduleError(expr);
      expect(err.message, expr).toBe(`schedule: ${message}`);
      expect([err.field, err.position], expr).toEqual([field, position]);
    }
  });

  it('enforces AWS rule: exactly one of day-of-month and day-of-week is ?', () => {
    expect(scheduleError('cron(0 12 * * * *)').message).toBe(
      'schedule: day-of-month and day-of-week: one of them must be ? (e.g. cron(0 12 * * ? *) or cron(0 12 ? * MON *))',
    );
    expect(scheduleError('cron(0 12 1 * MON *)').field).toBe('day-of-week');
    expect(scheduleError('cron(0 12 ? * ? *)').message).toBe(
      'schedule: day-of-month and day-of-week are both ?; give one of them a value or *',
    );
  });

  it('counts the fields', () => {
    expect(scheduleError('cron(0 12 * * ?)').message).toBe(
      'schedule: AWS cron(...) needs 6 fields (minutes hours day-of-month month day-of-week year), found 5',
    );
    expect(scheduleError('cron(0 12 * * ? * *)').message).toContain('found 7');
    expect(scheduleError('cron(0 12 * * ? *').message).toBe('schedule: cron( is not closed by )');
    expect(scheduleError('rate(5 minutes)').message).toBe(
      'schedule: rate(...) expressions are not supported; write a cron expression',
    );
    expect(scheduleError('   ').message).toBe('schedule: the expression is empty');
  });

  it('reads six bare fields as AWS cron, positions counted in the text as typed', () => {
    expect(next('15 12 * * ? *', '2025-03-01T00:00:00Z', 1)).toEqual(['2025-03-01T12:15:00.000Z']);
    expect(scheduleError('  0 12 ? * 9 *').position).toBe(12);
    expect(scheduleError('cron( 0 12 ? * 9 * )').position).toBe(16);
  });
});

describe('standard five-field cron', () => {
  it('numbers days of the week 0–7 from Sunday (7 is Sunday too)', () => {
    expect(next('0 9 * * 1', '2025-03-01T00:00:00Z', 1)).toEqual(['2025-03-03T09:00:00.000Z']);
    expect(next('0 9 * * 0', '2025-03-03T00:00:00Z', 1)).toEqual(['2025-03-09T09:00:00.000Z']);
    expect(next('0 9 * * 7', '2025-03-03T00:00:00Z', 1)).toEqual(['2025-03-09T09:00:00.000Z']);
    expect(next('0 9 * * 5-7', '2025-03-03T00:00:00Z', 3).map((d) => d.slice(0, 10))).toEqual([
      '2025-03-07',
      '2025-03-08',
      '2025-03-09',
    ]);
    expect(next('0 9 * * */2', '2025-03-02T00:00:00Z', 4).map((d) => d.slice(0, 10))).toEqual([
      '2025-03-02', // Sun
      '2025-03-04', // Tue
      '2025-03-06', // Thu
      '2025-03-08', // Sat, and Sunday once, not twice
    ]);
  });

  it('ORs day-of-month and day-of-week when both are restricted, as Vixie cron does', () => {
    // The 13th, and every Friday.
    expect(next('0 0 13 * 5', '2025-03-01T00:00:00Z', 4).map((d) => d.slice(0, 10))).toEqual([
      '2025-03-07',
      '2025-03-13',
      '2025-03-14',
      '2025-03-21',
    ]);
    // A wildcard in either means only the other counts.
    expect(next('0 0 * * 5', '2025-03-01T00:00:00Z', 2).map((d) => d.slice(0, 10))).toEqual([
      '2025-03-07',
      '2025-03-14',
    ]);
    expect(next('0 0 13 * *', '2025-03-01T00:00:00Z', 2).map((d) => d.slice(0, 10))).toEqual([
      '2025-03-13',
      '2025-04-13',
    ]);
  });

  it('supports steps, ranges, names and nicknames', () => {
    expect(next('*/20 9-10 * jan-mar mon', '2025-03-01T00:00:00Z', 7)).toEqual([
      '2025-03-03T09:00:00.000Z',
      '2025-03-03T09:20:00.000Z',
      '2025-03-03T09:40:00.000Z',
      '2025-03-03T10:00:00.000Z',
      '2025-03-03T10:20:00.000Z',
      '2025-03-03T10:40:00.000Z',
      '2025-03-10T09:00:00.000Z',
    ]);
    expect(next('5/15 * * * *', '2025-03-01T00:00:00Z', 4)).toEqual([
      '2025-03-01T00:05:00.000Z',
      '2025-03-01T00:20:00.000Z',
      '2025-03-01T00:35:00.000Z',
      '2025-03-01T00:50:00.000Z',
    ]);
    expect(next('@daily', '2025-03-01T10:00:00Z', 1)).toEqual(['2025-03-02T00:00:00.000Z']);
    expect(next('@weekly', '2025-03-01T10:00:00Z', 1)).toEqual(['2025-03-02T00:00:00.000Z']);
  });

  it('follows Vixie cron on DST days (croner): a fixed time in the gap runs after it', () => {
    expect(next('30 2 * * *', '2025-03-08T00:00:00Z', 3, 'America/New_York')).toEqual([
      '2025-03-08T07:30:00.000Z',
      '2025-03-09T07:00:00.000Z', // 03:00 EDT, the first valid time after the gap
      '2025-03-10T06:30:00.000Z',
    ]);
    // An interval schedule runs on both passes through the repeated hour.
    expect(next('*/30 1 2 11 *', '2025-11-02T00:00:00Z', 4, 'America/New_York')).toEqual([
      '2025-11-02T05:00:00.000Z',
      '2025-11-02T05:30:00.000Z',
      '2025-11-02T06:00:00.000Z',
      '2025-11-02T06:30:00.000Z',
    ]);
  });

  it('says which field is wrong and where', () => {
    const e = scheduleError('0 9 * * 8');
    expect(e.message).toBe('schedule: day-of-week: 8 is out of range 0–7');
    expect([e.field, e.position]).toEqual(['day-of-week', 9]);
    expect(scheduleError('0 9 * *').message).toBe(
      'schedule: a standard cron expression needs 5 fields (minutes hours day-of-month month day-of-week), found 4',
    );
    expect(scheduleError('0 9 * * L').message).toBe(
      'schedule: day-of-week: L alone is AWS syntax; write 6 for Saturday or 5L for the last Friday',
    );
    expect(scheduleError('@reboot').message).toBe(
      'schedule: unknown nickname @reboot; use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly',
    );
  });
});

describe('time zones', () => {
  it('accepts IANA names in any case and keeps the canonical one', () => {
    expect(parseSchedule('cron(0 12 * * ? *)', 'europe/berlin').timeZone).toBe('Europe/Berlin');
    expect(parseSchedule('cron(0 12 * * ? *)', 'UTC').timeZone).toBe('UTC');
  });

  it('refuses an unknown or missing zone', () => {
    const e = scheduleError('cron(0 12 * * ? *)', 'Mars/Olympus_Mons');
    expect(e.message).toBe(
      'schedule: "Mars/Olympus_Mons" is not an IANA time zone (e.g. UTC, Europe/Berlin, America/New_York)',
    );
    expect(e.field).toBe('time zone');
    expect(scheduleError('cron(0 12 * * ? *)', ' ').message).toBe(
      'schedule: no time zone given (e.g. UTC)',
    );
  });
});

describe('fireTimesBetween', () => {
  it('lists (after, until] newest first, and says when older ones were left out', () => {
    const s = parseSchedule('cron(0 * * * ? *)', 'UTC');
    const { times, more } = fireTimesBetween(
      s,
      at('2025-03-01T00:00:00Z'),
      at('2025-03-01T03:00:00Z'),
      10,
    );
    expect(iso(times)).toEqual([
      '2025-03-01T03:00:00.000Z',
      '2025-03-01T02:00:00.000Z',
      '2025-03-01T01:00:00.000Z',
    ]);
    expect(more).toBe(false);
    const capped = fireTimesBetween(s, at('2025-01-01T00:00:00Z'), at('2025-03-01T03:00:00Z'), 2);
    expect(iso(capped.times)).toEqual(['2025-03-01T03:00:00.000Z', '2025-03-01T02:00:00.000Z']);
    expect(capped.more).toBe(true);
  });

  it('applies the AWS DST rule going backwards too', () => {
    const s = parseSchedule('cron(0/30 1-2 2 11 ? 2025)', 'America/New_York');
    const { times } = fireTimesBetween(
      s,
      at('2025-11-01T00:00:00Z'),
      at('2025-11-03T00:00:00Z'),
      10,
    );
    expect(iso(times).reverse()).toEqual([
      '2025-11-02T05:00:00.000Z',
      '2025-11-02T05:30:00.000Z',
      '2025-11-02T07:00:00.000Z',
      '2025-11-02T07:30:00.000Z',
    ]);
  });
});
