import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../../src/scheduler/cron';
import { planMissedRuns } from '../../src/scheduler/missed-runs';
import type { MissedRunPolicy } from '../../src/scheduler/model';
import { at, iso } from './support';

const daily = parseSchedule('cron(0 12 * * ? *)', 'UTC');
// Last looked at on 1 March at 13:00; the app opens again on 4 March at 12:30.
const after = at('2025-03-01T13:00:00Z');
const now = at('2025-03-04T12:30:00Z');

function plan(policy: MissedRunPolicy, more: Partial<Parameters<typeof planMissedRuns>[1]> = {}) {
  const p = planMissedRuns(daily, { after, now, policy, ...more });
  return {
    fire: p.fire.map((f) => `${iso([f.scheduledFor])[0]}${f.late ? ' late' : ''}`),
    skipped: iso(p.skipped),
    moreSkipped: p.moreSkipped,
  };
}

describe('planMissedRuns', () => {
  it('skip: runs none of the missed times and lists them', () => {
    expect(plan('skip')).toEqual({
      fire: [],
      skipped: ['2025-03-02T12:00:00.000Z', '2025-03-03T12:00:00.000Z', '2025-03-04T12:00:00.000Z'],
      moreSkipped: false,
    });
  });

  it('run-once: runs the newest missed time, skips the others', () => {
    expect(plan('run-once')).toEqual({
      fire: ['2025-03-04T12:00:00.000Z late'],
      skipped: ['2025-03-02T12:00:00.000Z', '2025-03-03T12:00:00.000Z'],
      moreSkipped: false,
    });
  });

  it('run-all: runs every missed time, oldest first', () => {
    expect(plan('run-all')).toEqual({
      fire: [
        '2025-03-02T12:00:00.000Z late',
        '2025-03-03T12:00:00.000Z late',
        '2025-03-04T12:00:00.000Z late',
      ],
      skipped: [],
      moreSkipped: false,
    });
  });

  it('run-all runs at most maxRunAll, the newest, and skips the older ones', () => {
    expect(plan('run-all', { maxRunAll: 2 })).toEqual({
      fire: ['2025-03-03T12:00:00.000Z late', '2025-03-04T12:00:00.000Z late'],
      skipped: ['2025-03-02T12:00:00.000Z'],
      moreSkipped: false,
    });
  });

  it('a time within the grace is on time whatever the policy (a throttled tab fires late)', () => {
    const justNow = at('2025-03-04T12:01:30Z');
    for (const policy of ['skip', 'run-once', 'run-all'] as const) {
      const p = planMissedRuns(daily, { after: at('2025-03-03T12:30:00Z'), now: justNow, policy });
      expect(p.fire, policy).toEqual([{ scheduledFor: at('2025-03-04T12:00:00Z'), late: false }]);
      expect(p.skipped, policy).toEqual([]);
    }
    // Past the grace it is missed.
    const late = planMissedRuns(daily, {
      after: at('2025-03-03T12:30:00Z'),
      now: justNow,
      policy: 'skip',
      graceMs: 60_000,
    });
    expect(late.fire).toEqual([]);
    expect(iso(late.skipped)).toEqual(['2025-03-04T12:00:00.000Z']);
  });

  it('run-once does not add a late run when an on-time one fires anyway', () => {
    const p = planMissedRuns(daily, { after, now: at('2025-03-04T12:00:20Z'), policy: 'run-once' });
    expect(p.fire).toEqual([{ scheduledFor: at('2025-03-04T12:00:00Z'), late: false }]);
    expect(iso(p.skipped)).toEqual(['2025-03-02T12:00:00.000Z', '2025-03-03T12:00:00.000Z']);
  });

  it('nothing due: nothing to do; the interval is (after, now]', () => {
    expect(
      planMissedRuns(daily, { after: at('2025-03-04T12:00:00Z'), now, policy: 'run-all' }),
    ).toEqual({
      fire: [],
      skipped: [],
      moreSkipped: false,
    });
    const exactly = planMissedRuns(daily, {
      after: at('2025-03-03T12:00:00Z'),
      now: at('2025-03-04T12:00:00Z'),
      policy: 'skip',
    });
    expect(exactly.fire).toEqual([{ scheduledFor: at('2025-03-04T12:00:00Z'), late: false }]);
  });

  it('a long gap of a frequent schedule looks at the newest `limit` times only', () => {
    const everyMinute = parseSchedule('cron(* * * * ? *)', 'UTC');
    const p = planMissedRuns(everyMinute, {
      after: at('2025-01-01T00:00:00Z'),
      now: at('2025-03-01T00:00:30Z'),
      policy: 'run-once',
      limit: 50,
      graceMs: 45_000,
    });
    expect(iso(p.fire.map((f) => f.scheduledFor))).toEqual(['2025-03-01T00:00:00.000Z']);
    expect(p.fire[0]!.late).toBe(false);
    expect(p.skipped).toHaveLength(49);
    expect(iso([p.skipped[0]!, p.skipped.at(-1)!])).toEqual([
      '2025-02-28T23:11:00.000Z',
      '2025-02-28T23:59:00.000Z',
    ]);
    expect(p.moreSkipped).toBe(true);
  });

  it('counts scheduled times in the schedule’s own time zone and DST rule', () => {
    const berlin = parseSchedule('cron(30 2 * * ? *)', 'Europe/Berlin');
    // Berlin springs forward on 30 March 2025: 02:30 does not exist, so it is not missed either.
    const p = planMissedRuns(berlin, {
      after: at('2025-03-28T12:00:00Z'),
      now: at('2025-04-01T12:00:00Z'),
      policy: 'skip',
    });
    expect(iso(p.skipped)).toEqual([
      '2025-03-29T01:30:00.000Z',
      '2025-03-31T00:30:00.000Z',
      '2025-04-01T00:30:00.000Z',
    ]);
  });
});
