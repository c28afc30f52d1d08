import { describe, expect, it } from 'vitest';
import { electLeader } from '../../src/scheduler/leader';
import type {
  FiringReason,
  ListedFile,
  StartedRun,
  Trigger,
  TriggerFiring,
} from '../../src/scheduler/model';
import {
  Scheduler,
  scheduleKey,
  type EventSources,
  type TriggerProblem,
} from '../../src/scheduler/scheduler';
import type { EventWatchState } from '../../src/scheduler/event-batching';
import { MemoryLockOrigin } from './memory-locks';
import { at, eventTrigger, FakeClock, iso, MemoryFiringStore, scheduled } from './support';

const T0 = at('2025-03-03T00:00:00Z');
const HOUR = 3_600_000;

/** A scheduler on a shared clock and store, counting what it started. */
function harness(
  clock: FakeClock,
  store: MemoryFiringStore,
  extra: { sources?: EventSources } = {},
) {
  const started: { trigger: string; why: FiringReason; key: string }[] = [];
  const problems: TriggerProblem[] = [];
  const fired: TriggerFiring[] = [];
  let runs = 0;
  let failWith: string | undefined;
  const scheduler = new Scheduler({
    clock,
    store,
    ...extra,
    start: async (trigger, why, { key }) => {
      await Promise.resolve();
      if (failWith) throw new Error(failWith);
      started.push({ trigger: trigger.id, why, key });
      return trigger.actions.map((a): StartedRun =>
        a.kind === 'job'
          ? { kind: 'job', name: a.jobName, runId: `jr_${++runs}` }
          : { kind: 'crawler', name: a.crawlerName, runId: `cr_${++runs}` },
      );
    },
    onProblem: (p) => problems.push(p),
    onFiring: (f) => fired.push(f),
    newId: () => `id${++runs}`,
  });
  return {
    scheduler,
    started,
    problems,
    fired,
    failNext: (message: string | undefined) => (failWith = message),
  };
}

const scheduledTimes = (started: { why: FiringReason }[]) =>
  iso(started.flatMap((s) => (s.why.kind === 'schedule' ? [s.why.scheduledFor] : [])));

describe('Scheduler: SCHEDULED triggers', () => {
  it('sleeps until the next fire time and fires each time once', async () => {
    const clock = new FakeClock(T0 + 10 * 60_000);
    const store = new MemoryFiringStore();
    const h = harness(clock, store);
    await h.scheduler.setTriggers([scheduled('hourly', 'cron(0 * * * ? *)', T0)]);
    await h.scheduler.resume();
    expect(h.scheduler.wakeAt).toBe(T0 + HOUR);
    expect(clock.pending).toBe(1);
    await clock.advanceTo(T0 + 3 * HOUR + 1, () => h.scheduler.idle());
    expect(scheduledTimes(h.started)).toEqual([
      '2025-03-03T01:00:00.000Z',
      '2025-03-03T02:00:00.000Z',
      '2025-03-03T03:00:00.000Z',
    ]);
    expect(h.started.map((s) => s.key)).toEqual([
      'hourly@2025-03-03T01:00:00.000Z',
      'hourly@2025-03-03T02:00:00.000Z',
      'hourly@2025-03-03T03:00:00.000Z',
    ]);
    expect(h.started.every((s) => s.why.kind === 'schedule' && !s.why.late)).toBe(true);
    const record = store.firings.get(scheduleKey({ id: 'hourly' }, T0 + HOUR))!;
    expect(record).toMatchObject({
      outcome: 'started',
      triggerName: 'hourly',
      scheduledFor: T0 + HOUR,
      recordedAt: T0 + HOUR,
      started: [{ kind: 'job', name: 'nightly', runId: 'jr_1' }],
    });
    expect(h.fired).toHaveLength(3);
    expect(clock.pending).toBe(1); // asleep until 04:00
    expect(h.scheduler.wakeAt).toBe(T0 + 4 * HOUR);
  });

  it('fires several triggers in time order, reading each in its own time zone', async () => {
    const clock = new FakeClock(T0);
    const h = harness(clock, new MemoryFiringStore());
    await h.scheduler.setTriggers([
      scheduled('tokyo-9', 'cron(0 9 * * ? *)', T0, { timeZone: 'Asia/Tokyo' }), // 00:00 UTC
      scheduled('utc-3', '0 3 * * *', T0),
      scheduled('ny-9', 'cron(0 9 * * ? *)', T0, { timeZone: 'America/New_York' }), // 14:00 UTC
    ]);
    await h.scheduler.resume();
    await clock.advanceTo(T0 + 24 * HOUR, () => h.scheduler.idle());
    expect(h.started.map((s) => `${s.trigger} ${scheduledTimes([s])[0]}`)).toEqual([
      'utc-3 2025-03-03T03:00:00.000Z',
      'ny-9 2025-03-03T14:00:00.000Z',
      'tokyo-9 2025-03-04T00:00:00.000Z',
    ]);
  });

  it('does nothing while paused, for deactivated triggers, or before activation', async () => {
    const clock = new FakeClock(T0);
    const h = harness(clock, new MemoryFiringStore());
    await h.scheduler.setTriggers([
      scheduled('off', 'cron(0 * * * ? *)', T0, { activated: false }),
      scheduled('later', 'cron(0 * * * ? *)', T0 + 2 * HOUR + 1),
    ]);
    await clock.advanceTo(T0 + HOUR * 2, () => h.scheduler.idle());
    expect(clock.pending).toBe(0);
    await h.scheduler.resume();
    await clock.advanceTo(T0 + HOUR * 4, () => h.scheduler.idle());
    expect(h.started.map((s) => s.key)).toEqual([
      'later@2025-03-03T03:00:00.000Z',
      'later@2025-03-03T04:00:00.000Z',
    ]);
    h.scheduler.pause();
    expect(clock.pending).toBe(0);
    expect(h.scheduler.wakeAt).toBeUndefined();
  });

  it('re-plans when a trigger changes, from its new activation', async () => {
    const clock = new FakeClock(T0);
    const h = harness(clock, new MemoryFiringStore());
    await h.scheduler.setTriggers([scheduled('t', 'cron(0 * * * ? *)', T0)]);
    await h.scheduler.resume();
    await clock.advanceTo(T0 + HOUR, () => h.scheduler.idle());
    await h.scheduler.setTriggers([scheduled('t', 'cron(30 * * * ? *)', T0 + HOUR + 1)]);
    await clock.advanceTo(T0 + 3 * HOUR, () => h.scheduler.idle());
    expect(h.started.map((s) => s.key)).toEqual([
      't@2025-03-03T01:00:00.000Z',
      't@2025-03-03T01:30:00.000Z',
      't@2025-03-03T02:30:00.000Z',
    ]);
  });

  it('wakes at least every maxSleepMs, so a changed wall clock is noticed', async () => {
    const clock = new FakeClock(T0);
    const h = harness(clock, new MemoryFiringStore());
    await h.scheduler.setTriggers([scheduled('yearly', 'cron(0 0 1 1 ? *)', T0)]);
    await h.scheduler.resume();
    expect(h.scheduler.wakeAt).toBe(T0 + HOUR);
  });

  it('records a start that failed, says why, and does not retry it', async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryFiringStore();
    const h = harness(clock, store);
    await h.scheduler.setTriggers([scheduled('t', 'cron(0 * * * ? *)', T0)]);
    await h.scheduler.resume();
    h.failNext('job: "nightly" does not exist');
    await clock.advanceTo(T0 + HOUR, () => h.scheduler.idle());
    h.failNext(undefined);
    await clock.advanceTo(T0 + 2 * HOUR, () => h.scheduler.idle());
    expect(store.list().map((f) => [f.key, f.outcome, f.error])).toEqual([
      ['t@2025-03-03T01:00:00.000Z', 'failed', 'job: "nightly" does not exist'],
      ['t@2025-03-03T02:00:00.000Z', 'started', undefined],
    ]);
    expect(h.problems.map((p) => [p.triggerId, p.message])).toEqual([
      ['t', 'job: "nightly" does not exist'],
    ]);
  });

  it('reports a schedule it cannot read, once, and fires nothing for it', async () => {
    const clock = new FakeClock(T0);
    const h = harness(clock, new MemoryFiringStore());
    await h.scheduler.setTriggers([
      scheduled('bad', 'cron(0 12 * * * *)', T0),
      scheduled('zone', 'cron(0 12 * * ? *)', T0, { timeZone: 'Mars/Base' }),
    ]);
    await h.scheduler.resume();
    await clock.advanceTo(T0 + 48 * HOUR, () => h.scheduler.idle());
    expect(h.started).toEqual([]);
    expect(h.problems.map((p) => p.message)).toEqual([
      'schedule: day-of-month and day-of-week: one of them must be ? (e.g. cron(0 12 * * ? *) or cron(0 12 ? * MON *))',
      'schedule: "Mars/Base" is not an IANA time zone (e.g. UTC, Europe/Berlin, America/New_York)',
    ]);
  });
});

describe('Scheduler: missed runs when the app opens again', () => {
  async function reopen(policy: 'skip' | 'run-once' | 'run-all') {
    const clock = new FakeClock(T0);
    const store = new MemoryFiringStore();
    const trigger = scheduled('daily', 'cron(0 12 * * ? *)', T0, { missedRuns: policy });
    // First session: open on Monday, fires at 12:00, closed at 18:00.
    const first = harness(clock, store);
    await first.scheduler.setTriggers([trigger]);
    await first.scheduler.resume();
    await clock.advanceTo(at('2025-03-03T18:00:00Z'), () => first.scheduler.idle());
    first.scheduler.pause();
    // Closed until Thursday 09:00: Tuesday and Wednesday 12:00 were missed.
    clock.time = at('2025-03-06T09:00:00Z');
    const second = harness(clock, store);
    await second.scheduler.setTriggers([trigger]);
    await second.scheduler.resume();
    await clock.advanceTo(at('2025-03-06T13:00:00Z'), () => second.scheduler.idle());
    return { first, second, store };
  }

  it('skip: records what was missed and runs only what comes next', async () => {
    const { first, second, store } = await reopen('skip');
    expect(scheduledTimes(first.started)).toEqual(['2025-03-03T12:00:00.000Z']);
    expect(scheduledTimes(second.started)).toEqual(['2025-03-06T12:00:00.000Z']);
    const skipped = store.list('skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({
      key: 'daily@2025-03-05T12:00:00.000Z',
      recordedAt: at('2025-03-06T09:00:00Z'),
      why: { kind: 'missed', policy: 'skip', count: 2, more: false },
    });
    expect(iso((skipped[0]!.why as { times: number[] }).times)).toEqual([
      '2025-03-04T12:00:00.000Z',
      '2025-03-05T12:00:00.000Z',
    ]);
    expect(second.fired.map((f) => f.outcome)).toEqual(['skipped', 'started']);
  });

  it('run-once: runs the newest missed time late, once', async () => {
    const { second, store } = await reopen('run-once');
    expect(
      second.started.map((s) => [scheduledTimes([s])[0], s.why.kind === 'schedule' && s.why.late]),
    ).toEqual([
      ['2025-03-05T12:00:00.000Z', true],
      ['2025-03-06T12:00:00.000Z', false],
    ]);
    expect(iso(store.list('skipped').flatMap((f) => (f.why as { times: number[] }).times))).toEqual(
      ['2025-03-04T12:00:00.000Z'],
    );
  });

  it('run-all: runs every missed time, oldest first', async () => {
    const { second, store } = await reopen('run-all');
    expect(scheduledTimes(second.started)).toEqual([
      '2025-03-04T12:00:00.000Z',
      '2025-03-05T12:00:00.000Z',
      '2025-03-06T12:00:00.000Z',
    ]);
    expect(store.list('skipped')).toEqual([]);
  });

  it('a tab that slept through a time treats it by the policy too', async () => {
    const clock = new FakeClock(T0);
    const h = harness(clock, new MemoryFiringStore());
    await h.scheduler.setTriggers([
      scheduled('hourly', 'cron(0 * * * ? *)', T0, { missedRuns: 'run-once' }),
    ]);
    await h.scheduler.resume();
    // The machine sleeps: the timer for 01:00 only runs at 05:30.
    clock.time = T0 + 5.5 * HOUR;
    await clock.advanceTo(clock.time, () => h.scheduler.idle());
    expect(h.started.map((s) => s.key)).toEqual(['hourly@2025-03-03T05:00:00.000Z']);
    expect(h.fired.map((f) => [f.outcome, f.scheduledFor - T0])).toEqual([
      ['skipped', 4 * HOUR],
      ['started', 5 * HOUR],
    ]);
  });
});

describe('Scheduler: never twice', () => {
  it('two schedulers racing on one store fire each time exactly once', async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryFiringStore(7);
    const trigger = scheduled('every-5', 'cron(0/5 * * * ? *)', T0, { missedRuns: 'run-all' });
    const a = harness(clock, store);
    const b = harness(clock, store);
    await Promise.all([a.scheduler.setTriggers([trigger]), b.scheduler.setTriggers([trigger])]);
    await Promise.all([a.scheduler.resume(), b.scheduler.resume()]);
    const settle = () => Promise.all([a.scheduler.idle(), b.scheduler.idle()]);
    await clock.advanceTo(T0 + HOUR, settle);
    // Both wake for every time; the store's add-if-absent lets one of them start it.
    const keys = [...a.started, ...b.started].map((s) => s.key).sort();
    expect(keys).toHaveLength(12);
    expect(new Set(keys).size).toBe(12);
    expect(a.started.length).toBeGreaterThan(0);
    expect(b.started.length).toBeGreaterThan(0);
    // And after a gap, both catch up with the same plan, still once each.
    clock.time = T0 + 2 * HOUR + 60_000;
    a.scheduler.pause();
    b.scheduler.pause();
    await Promise.all([a.scheduler.resume(), b.scheduler.resume()]);
    const all = [...a.started, ...b.started].map((s) => s.key);
    expect(all).toHaveLength(24);
    expect(new Set(all).size).toBe(24);
  });

  it('the leader fires; when its tab closes the next tab takes over without a gap or a repeat', async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryFiringStore();
    const origin = new MemoryLockOrigin();
    const trigger = scheduled('quarter', 'cron(0/15 * * * ? *)', T0, { missedRuns: 'run-all' });
    const tabs = ['a', 'b', 'c'].map((id) => {
      const locks = origin.tab(id);
      const h = harness(clock, store);
      void h.scheduler.setTriggers([trigger]);
      const election = electLeader(locks, 'decant-scheduler-leader', {
        onChange: (state) => {
          if (state === 'leader') void h.scheduler.resume();
        },
      });
      return { id, locks, h, election };
    });
    const settle = () => Promise.all(tabs.map((t) => t.h.scheduler.idle()));
    await clock.advanceTo(T0, settle);
    expect(tabs.map((t) => t.election.state)).toEqual(['leader', 'follower', 'follower']);
    expect(tabs.map((t) => t.h.scheduler.running)).toEqual([true, false, false]);

    await clock.advanceTo(T0 + 40 * 60_000, settle);
    // Tab a closes at 00:40 (its scheduler dies with it); b is next in line.
    tabs[0]!.h.scheduler.pause();
    tabs[0]!.locks.close();
    await tabs[1]!.election.leadership;
    await clock.advanceTo(T0 + 80 * 60_000, settle);
    // b closes at 01:20, while c is away for 30 minutes (its timers did not run): c takes over
    // at 01:50 and catches up 01:30 and 01:45 by its run-all policy.
    tabs[1]!.h.scheduler.pause();
    tabs[1]!.locks.close();
    clock.time = T0 + 110 * 60_000;
    await tabs[2]!.election.leadership;
    await clock.advanceTo(T0 + 120 * 60_000, settle);

    const by = (i: number) => tabs[i]!.h.started.map((s) => s.key.slice(-13, -8));
    expect(by(0)).toEqual(['00:15', '00:30']);
    expect(by(1)).toEqual(['00:45', '01:00', '01:15']);
    expect(by(2)).toEqual(['01:30', '01:45', '02:00']);
    expect(tabs[2]!.h.started.map((s) => s.why.kind === 'schedule' && s.why.late)).toEqual([
      true,
      true,
      false,
    ]);
    expect(store.list().map((f) => f.outcome)).toEqual(Array(8).fill('started'));
  });
});

describe('Scheduler: ON_DEMAND and EVENT triggers', () => {
  it('fires any trigger now with arguments, leader or not, each call a new firing', async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryFiringStore();
    const h = harness(clock, store);
    const onDemand: Trigger = {
      ...scheduled('x', 'cron(0 * * * ? *)', T0),
      kind: 'ON_DEMAND',
      id: 'manual',
      name: 'manual',
    } as Trigger;
    await h.scheduler.setTriggers([onDemand]);
    const one = await h.scheduler.fireNow('manual', { '--day': '2025-03-03' });
    const two = await h.scheduler.fireNow('manual');
    expect(one).toMatchObject({
      outcome: 'started',
      why: { kind: 'on-demand', arguments: { '--day': '2025-03-03' } },
    });
    expect(one.key).not.toBe(two.key);
    expect(store.list()).toHaveLength(2);
    await expect(h.scheduler.fireNow('nope')).rejects.toThrow('trigger: no trigger with id nope');
  });

  /** A watched folder whose listing the test changes, with its watch state kept as the app would. */
  function folder() {
    const files = new Map<string, ListedFile>();
    const saved = new Map<string, EventWatchState>();
    let failing: string | undefined;
    const sources: EventSources = {
      list: async () => {
        if (failing) throw new Error(failing);
        return [...files.values()];
      },
      load: async (id) => structuredClone(saved.get(id)),
      save: async (id, state) => void saved.set(id, structuredClone(state)),
    };
    const add = (path: string, t: number) => files.set(path, { path, size: 1, lastModified: t });
    return { sources, add, saved, fail: (m: string | undefined) => (failing = m) };
  }

  it('polls at the interval and fires a batch when full or when its window ends', async () => {
    const clock = new FakeClock(T0);
    const store = new MemoryFiringStore();
    const watched = folder();
    watched.add('old.csv', T0 - HOUR);
    const h = harness(clock, store, { sources: watched.sources });
    await h.scheduler.setTriggers([
      eventTrigger('landing', { batchSize: 3, windowSeconds: 600 }, { pollSeconds: 60 }),
    ]);
    await h.scheduler.resume(); // first poll: the baseline
    expect(h.scheduler.wakeAt).toBe(T0 + 60_000);
    const settle = () => h.scheduler.idle();
    watched.add('a.csv', T0 + 10_000);
    watched.add('b.csv', T0 + 20_000);
    await clock.advanceTo(T0 + 60_000, settle);
    expect(h.started).toEqual([]);
    // Waiting since 00:01; the window would end at 00:11.
    expect(h.scheduler.wakeAt).toBe(T0 + 120_000);
    watched.add('c.csv', T0 + 90_000);
    await clock.advanceTo(T0 + 120_000, settle);
    expect(h.started.map((s) => s.why)).toEqual([
      {
        kind: 'event',
        reason: 'batch-size',
        files: ['a.csv', 'b.csv', 'c.csv'].map((path) =>
          expect.objectContaining({ path, change: 'new' }),
        ),
      },
    ]);
    watched.add('d.csv', T0 + 150_000);
    await clock.advanceTo(T0 + 180_000, settle);
    expect(h.started).toHaveLength(1);
    await clock.advanceTo(T0 + 180_000 + 600_000, settle);
    expect(
      h.started.map(
        (s) => s.why.kind === 'event' && [s.why.reason, s.why.files.map((f) => f.path)],
      ),
    ).toEqual([
      ['batch-size', ['a.csv', 'b.csv', 'c.csv']],
      ['window', ['d.csv']],
    ]);
    expect(watched.saved.get('landing')!.pending).toEqual([]);
  });

  it('says why a source could not be listed, and keeps polling', async () => {
    const clock = new FakeClock(T0);
    const watched = folder();
    const h = harness(clock, new MemoryFiringStore(), { sources: watched.sources });
    await h.scheduler.setTriggers([eventTrigger('s3', { batchSize: 1, windowSeconds: 900 })]);
    await h.scheduler.resume();
    watched.fail('trigger: the listing URL for landing/ expired at 2025-03-03 00:00 UTC');
    await clock.advanceTo(T0 + 60_000, () => h.scheduler.idle());
    expect(h.problems.map((p) => [p.triggerId, p.message])).toEqual([
      ['s3', 'trigger: the listing URL for landing/ expired at 2025-03-03 00:00 UTC'],
    ]);
    watched.fail(undefined);
    watched.add('new.csv', T0 + 90_000);
    await clock.advanceTo(T0 + 120_000, () => h.scheduler.idle());
    expect(h.started).toHaveLength(1);
  });

  it('without event sources, an EVENT trigger reports that it cannot watch', async () => {
    const clock = new FakeClock(T0);
    const h = harness(clock, new MemoryFiringStore());
    await h.scheduler.setTriggers([eventTrigger('e', { batchSize: 1, windowSeconds: 900 })]);
    await h.scheduler.resume();
    expect(h.problems.map((p) => p.message)).toEqual(['trigger: this app cannot watch sources']);
  });
});
