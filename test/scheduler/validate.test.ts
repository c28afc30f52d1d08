import { describe, expect, it } from 'vitest';
import type { Trigger } from '../../src/scheduler/model';
import { triggerProblems } from '../../src/scheduler/validate';
import { conditional, eventTrigger, scheduled } from './support';

const brief = (t: Trigger) => triggerProblems(t).map((p) => `${p.field}: ${p.message}`);

describe('triggerProblems', () => {
  it('passes triggers that can run', () => {
    expect(brief(scheduled('t', 'cron(15 12 * * ? *)', 0))).toEqual([]);
    expect(brief(eventTrigger('e', { batchSize: 10, windowSeconds: 300 }))).toEqual([]);
  });

  it('points at the schedule character that is wrong, and at the time zone', () => {
    const [p] = triggerProblems(scheduled('t', 'cron(15 12 * * 9 *)', 0));
    expect(p).toEqual({
      field: 'schedule',
      message: 'schedule: day-of-week: 9 is out of range 1–7',
      position: 16,
      length: 1,
    });
    expect(brief(scheduled('t', 'cron(15 12 * * ? *)', 0, { timeZone: 'CET+1' }))).toEqual([
      'timeZone: schedule: "CET+1" is not an IANA time zone (e.g. UTC, Europe/Berlin, America/New_York)',
    ]);
  });

  it('lists every problem of a trigger at once', () => {
    const t = conditional(
      ' ',
      {
        logical: 'ALL',
        conditions: [
          { kind: 'job', jobName: 'clean', state: 'SUCCEEDED' },
          { kind: 'job', jobName: 'clean', state: 'SUCCEEDED' },
        ],
      },
      [{ kind: 'job', jobName: 'clean', arguments: {}, timeoutMinutes: 0 }],
    );
    expect(brief({ ...t, name: ' ' })).toEqual([
      'name: trigger: give the trigger a name',
      'actions: trigger: job "clean": a timeout must be at least 1 minute',
      'predicate: trigger: the condition job "clean" SUCCEEDED is listed twice',
      'actions: trigger: job "clean" would start itself again when it ends',
    ]);
    expect(brief(conditional('c', { logical: 'ANY', conditions: [] }, []))).toEqual([
      'actions: trigger: choose at least one job or crawler to start',
      'predicate: trigger: add at least one condition',
    ]);
  });

  it('holds EVENT triggers to a sane poll and Glue’s batching limits', () => {
    expect(
      brief(eventTrigger('e', { batchSize: 101, windowSeconds: 0 }, { pollSeconds: 1 })),
    ).toEqual([
      'pollSeconds: trigger: poll every 10 seconds or more',
      'batching: trigger: batch size 101 is not a whole number from 1 to 100',
    ]);
  });
});
