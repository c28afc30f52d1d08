import { describe, expect, it } from 'vitest';
import { conditionFiring } from '../../src/scheduler/conditions';
import type { RunOutcome, StartedRun, Trigger } from '../../src/scheduler/model';
import { Scheduler } from '../../src/scheduler/scheduler';
import { at, conditional, FakeClock, MemoryFiringStore, scheduled } from './support';

const T0 = at('2025-03-03T00:00:00Z');
const MIN = 60_000;

const run = (
  kind: 'job' | 'crawler',
  name: string,
  runId: string,
  state: string,
  endedAt: number,
  workflowRunId?: string,
): RunOutcome => ({
  kind,
  name,
  runId,
  state,
  endedAt,
  ...(workflowRunId ? { workflowRunId } : {}),
});

const job = (jobName: string) => ({ kind: 'job' as const, jobName, arguments: {} });

describe('conditionFiring', () => {
  const afterBoth = conditional(
    'after-both',
    {
      logical: 'ALL',
      conditions: [
        { kind: 'job', jobName: 'orders', state: 'SUCCEEDED' },
        { kind: 'crawler', crawlerName: 'customers', state: 'SUCCEEDED' },
      ],
    },
    [job('join')],
  );

  it('ALL: fires when the finished run completes the set, named by the runs', () => {
    const c1 = run('crawler', 'customers', 'c1', 'SUCCEEDED', T0 + MIN);
    const o1 = run('job', 'orders', 'o1', 'SUCCEEDED', T0 + 2 * MIN);
    expect(conditionFiring(afterBoth, c1, [])).toBeUndefined();
    const f = conditionFiring(afterBoth, o1, [c1]);
    expect(f?.key).toBe('after-both|runs||crawler:customers#c1,job:orders#o1');
    expect(f?.runs.map((r) => r.runId).sort()).toEqual(['c1', 'o1']);
    // The same runs always make the same key, whichever finished last.
    expect(conditionFiring(afterBoth, c1, [o1])?.key).toBe(f?.key);
  });

  it('ALL: uses the latest run of each watched job; a later failure breaks the set', () => {
    const c1 = run('crawler', 'customers', 'c1', 'SUCCEEDED', T0 + MIN);
    const c2 = run('crawler', 'customers', 'c2', 'FAILED', T0 + 3 * MIN);
    const o1 = run('job', 'orders', 'o1', 'SUCCEEDED', T0 + 4 * MIN);
    expect(conditionFiring(afterBoth, o1, [c2, c1])).toBeUndefined();
    const c3 = run('crawler', 'customers', 'c3', 'SUCCEEDED', T0 + 5 * MIN);
    expect(conditionFiring(afterBoth, c3, [c1, c2, o1])?.key).toBe(
      'after-both|runs||crawler:customers#c3,job:orders#o1',
    );
  });

  it('ALL: a finished run in a state no condition wants fires nothing', () => {
    const c1 = run('crawler', 'customers', 'c1', 'SUCCEEDED', T0 + MIN);
    const o1 = run('job', 'orders', 'o1', 'FAILED', T0 + 2 * MIN);
    expect(conditionFiring(afterBoth, o1, [c1])).toBeUndefined();
  });

  it('ANY: fires once per satisfying run', () => {
    const onFailure = conditional(
      'on-failure',
      {
        logical: 'ANY',
        conditions: [
          { kind: 'job', jobName: 'orders', state: 'FAILED' },
          { kind: 'job', jobName: 'orders', state: 'TIMEOUT' },
          { kind: 'crawler', crawlerName: 'customers', state: 'CANCELLED' },
        ],
      },
      [job('page-someone')],
    );
    const o1 = run('job', 'orders', 'o1', 'TIMEOUT', T0 + MIN);
    const c1 = run('crawler', 'customers', 'c1', 'CANCELLED', T0 + 2 * MIN);
    const o2 = run('job', 'orders', 'o2', 'SUCCEEDED', T0 + 3 * MIN);
    expect(conditionFiring(onFailure, o1, [])?.key).toBe('on-failure|runs||job:orders#o1');
    expect(conditionFiring(onFailure, c1, [o1])?.key).toBe('on-failure|runs||crawler:customers#c1');
    expect(conditionFiring(onFailure, o2, [o1, c1])).toBeUndefined();
  });

  it('ignores runs that ended before the trigger was activated, and deactivated triggers', () => {
    const late = { ...afterBoth, activatedAt: T0 + 2 * MIN };
    const c1 = run('crawler', 'customers', 'c1', 'SUCCEEDED', T0 + MIN);
    const o1 = run('job', 'orders', 'o1', 'SUCCEEDED', T0 + 3 * MIN);
    expect(conditionFiring(late, o1, [c1])).toBeUndefined();
    expect(conditionFiring(late, c1, [o1])).toBeUndefined();
    expect(conditionFiring({ ...afterBoth, activated: false }, o1, [c1])).toBeUndefined();
  });

  it('in a workflow, only sees runs of the same workflow run', () => {
    const inFlow = { ...afterBoth, workflowName: 'nightly' };
    const c1 = run('crawler', 'customers', 'c1', 'SUCCEEDED', T0 + MIN, 'wr1');
    const o1 = run('job', 'orders', 'o1', 'SUCCEEDED', T0 + 2 * MIN, 'wr2');
    const o2 = run('job', 'orders', 'o2', 'SUCCEEDED', T0 + 3 * MIN, 'wr1');
    const outside = run('job', 'orders', 'o3', 'SUCCEEDED', T0 + 4 * MIN);
    expect(conditionFiring(inFlow, o1, [c1])).toBeUndefined();
    expect(conditionFiring(inFlow, outside, [c1])).toBeUndefined();
    const f = conditionFiring(inFlow, o2, [c1, o1]);
    expect(f).toMatchObject({ workflowRunId: 'wr1' });
    expect(f?.key).toBe('after-both|runs|wr1|crawler:customers#c1,job:orders#o2');
  });
});

describe('conditional chains through the Scheduler', () => {
  /**
   * A little runtime: each job or crawler the scheduler starts runs for `minutes` on the fake clock,
   * ends in the state `outcomes` says (default SUCCEEDED), and reports its end to the scheduler.
   */
  function pipeline(triggers: Trigger[], outcomes: Record<string, string> = {}, minutes = 5) {
    const clock = new FakeClock(T0);
    const store = new MemoryFiringStore();
    const finished: RunOutcome[] = [];
    const log: string[] = [];
    let n = 0;
    const scheduler: Scheduler = new Scheduler({
      clock,
      store,
      recentRuns: async () => [...finished],
      start: async (trigger) => {
        const started: StartedRun[] = trigger.actions.map((a) => {
          const kind = a.kind;
          const name = a.kind === 'job' ? a.jobName : a.crawlerName;
          return { kind, name, runId: `${name}-${++n}` };
        });
        for (const s of started) {
          log.push(
            `${new Date(clock.now()).toISOString().slice(11, 16)} start ${s.name} (${trigger.id})`,
          );
          clock.setTimeout(() => {
            const outcome = run(
              s.kind,
              s.name,
              s.runId,
              outcomes[s.name] ?? 'SUCCEEDED',
              clock.now(),
            );
            finished.push(outcome);
            void scheduler.runFinished(outcome, [...finished]);
          }, minutes * MIN);
        }
        return started;
      },
    });
    return { clock, store, scheduler, log, finished };
  }

  const chain = (): Trigger[] => [
    {
      ...scheduled('at-1', 'cron(0 1 * * ? *)', T0),
      actions: [{ kind: 'crawler', crawlerName: 'raw' }],
    },
    conditional(
      'after-crawl',
      { logical: 'ALL', conditions: [{ kind: 'crawler', crawlerName: 'raw', state: 'SUCCEEDED' }] },
      [job('clean')],
    ),
    conditional(
      'after-clean',
      { logical: 'ALL', conditions: [{ kind: 'job', jobName: 'clean', state: 'SUCCEEDED' }] },
      [job('report')],
    ),
    conditional(
      'on-failure',
      {
        logical: 'ANY',
        conditions: [
          { kind: 'crawler', crawlerName: 'raw', state: 'FAILED' },
          { kind: 'job', jobName: 'clean', state: 'FAILED' },
        ],
      },
      [job('alert')],
    ),
  ];

  it('crawler → job → job, each started once, in order', async () => {
    const p = pipeline(chain());
    await p.scheduler.setTriggers(chain());
    await p.scheduler.resume();
    await p.clock.advanceTo(T0 + 2 * 60 * MIN, () => p.scheduler.idle());
    expect(p.log).toEqual([
      '01:00 start raw (at-1)',
      '01:05 start clean (after-crawl)',
      '01:10 start report (after-clean)',
    ]);
    const conditionFirings = p.store.list().filter((f) => f.why.kind === 'condition');
    expect(conditionFirings.map((f) => f.key)).toEqual([
      'after-crawl|runs||crawler:raw#raw-1',
      'after-clean|runs||job:clean#clean-2',
    ]);
  });

  it('the same finished run reported again (two tabs, a retry) fires nothing more', async () => {
    const p = pipeline(chain());
    await p.scheduler.setTriggers(chain());
    await p.scheduler.resume();
    await p.clock.advanceTo(T0 + 2 * 60 * MIN, () => p.scheduler.idle());
    for (const r of p.finished) expect(await p.scheduler.runFinished(r, p.finished)).toEqual([]);
    expect(p.log).toHaveLength(3);
  });

  it('a failed crawl stops the chain and fires the failure trigger', async () => {
    const p = pipeline(chain(), { raw: 'FAILED' });
    await p.scheduler.setTriggers(chain());
    await p.scheduler.resume();
    await p.clock.advanceTo(T0 + 2 * 60 * MIN, () => p.scheduler.idle());
    expect(p.log).toEqual(['01:00 start raw (at-1)', '01:05 start alert (on-failure)']);
  });

  it('a new leader catches up with runs that finished while no scheduler listened, once', async () => {
    const p = pipeline(chain());
    // The crawl finished in a tab while the leader was changing hands.
    p.finished.push(run('crawler', 'raw', 'raw-0', 'SUCCEEDED', T0 + 30 * MIN));
    await p.scheduler.setTriggers(chain());
    p.clock.time = T0 + 40 * MIN;
    await p.scheduler.resume();
    await p.clock.advanceTo(T0 + 55 * MIN, () => p.scheduler.idle());
    expect(p.log).toEqual(['00:40 start clean (after-crawl)', '00:45 start report (after-clean)']);
    // Taking over again (another hand-over) starts nothing twice.
    p.scheduler.pause();
    await p.scheduler.resume();
    await p.clock.advanceTo(T0 + 59 * MIN, () => p.scheduler.idle());
    expect(p.log).toHaveLength(2);
  });

  it('runs finish while not leader: nothing fires (the leader hears of them)', async () => {
    const p = pipeline(chain());
    await p.scheduler.setTriggers(chain());
    const r = run('crawler', 'raw', 'raw-0', 'SUCCEEDED', T0 + MIN);
    expect(await p.scheduler.runFinished(r, [r])).toEqual([]);
    expect(p.log).toEqual([]);
  });
});
