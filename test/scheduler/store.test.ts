import { describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openCatalogDb } from '../../src/storage';
import { SchedulerStore } from '../../src/scheduler/store';
import { Scheduler, scheduleKey, type TriggerFiring, type WorkflowRun } from '../../src/scheduler';
import { at, FakeClock, scheduled } from './support';

async function twoTabs() {
  const factory = new IDBFactory();
  const a = new SchedulerStore(await openCatalogDb('decant-test', factory));
  const b = new SchedulerStore(await openCatalogDb('decant-test', factory));
  return { a, b };
}

const firing = (key: string, scheduledFor: number, why: TriggerFiring['why']): TriggerFiring => ({
  key,
  triggerId: 't1',
  triggerName: 't1',
  scheduledFor,
  recordedAt: scheduledFor,
  why,
  outcome: 'starting',
  started: [],
});

describe('SchedulerStore', () => {
  it('adds a firing only once, across connections racing for the same key', async () => {
    const { a, b } = await twoTabs();
    const f = firing('t1@x', 1, { kind: 'schedule', scheduledFor: 1, late: false });
    const results = await Promise.all([a.putIfAbsent(f), b.putIfAbsent(f), a.putIfAbsent(f)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    await a.put({ ...f, outcome: 'started' });
    expect((await b.listFirings()).map((x) => [x.key, x.outcome])).toEqual([['t1@x', 'started']]);
  });

  it('finds the newest scheduled time from the end of the key range, ignoring other firings', async () => {
    const { a } = await twoTabs();
    const t = { id: 't1' };
    const times = [
      at('2026-01-01T10:00:00Z'),
      at('2026-01-02T09:00:00Z'),
      at('2025-12-31T23:00:00Z'),
    ];
    for (const time of times)
      await a.putIfAbsent(
        firing(scheduleKey(t, time), time, { kind: 'schedule', scheduledFor: time, late: false }),
      );
    await a.putIfAbsent(
      firing('t1|on-demand|zzz', at('2030-01-01T00:00:00Z'), { kind: 'on-demand', arguments: {} }),
    );
    await a.putIfAbsent({
      ...firing(scheduleKey({ id: 't10' }, at('2031-01-01T00:00:00Z')), 9, {
        kind: 'schedule',
        scheduledFor: 9,
        late: false,
      }),
      triggerId: 't10',
    });
    expect(await a.lastScheduledFor('t1')).toBe(at('2026-01-02T09:00:00Z'));
    expect(await a.lastScheduledFor('none')).toBeUndefined();
  });

  it('refuses a trigger with problems, naming them', async () => {
    const { a } = await twoTabs();
    const bad = scheduled('t1', 'cron(61 * * * ? *)', 0, { name: 'nightly' });
    await expect(a.putTrigger(bad)).rejects.toThrow(
      /^scheduler: cannot save trigger "nightly": .*minute/,
    );
    expect(await a.listTriggers()).toEqual([]);
    const good = scheduled('t1', 'cron(0 12 * * ? *)', 0, { name: 'nightly' });
    await a.putTrigger(good);
    expect(await a.listTriggers()).toEqual([good]);
  });

  it('keeps watch states and workflow runs, updating a run in one transaction', async () => {
    const { a, b } = await twoTabs();
    await a.saveWatch('t1', { seen: { 'x.csv': { size: 1, lastModified: 2 } }, pending: [] });
    expect(await b.loadWatch('t1')).toEqual({
      seen: { 'x.csv': { size: 1, lastModified: 2 } },
      pending: [],
    });
    const run: WorkflowRun = {
      id: 'r1',
      workflowName: 'etl',
      properties: { day: '1' },
      state: 'RUNNING',
      startedAt: 5,
      startedBy: 'k',
      nodes: [
        { nodeId: 'crawler:a', state: 'RUNNING' },
        { nodeId: 'crawler:b', state: 'RUNNING' },
      ],
    };
    await a.putWorkflowRun(run);
    // Two tabs finishing a node each, at once: both changes survive.
    await Promise.all(
      ['crawler:a', 'crawler:b'].map((id, i) =>
        (i ? b : a).updateWorkflowRun('r1', (r) => ({
          ...r,
          nodes: r.nodes.map((n) => (n.nodeId === id ? { ...n, state: 'SUCCEEDED' as const } : n)),
        })),
      ),
    );
    const stored = await b.getWorkflowRun('r1');
    expect(stored?.nodes.map((n) => n.state)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(stored).not.toHaveProperty('workflow');
    expect((await a.listWorkflowRuns(10, 'etl')).map((r) => r.id)).toEqual(['r1']);
    expect(await a.listWorkflowRuns(10, 'other')).toEqual([]);
    await a.putWorkflowRun({ ...run, id: 'r0', startedAt: 1 });
    await a.putWorkflowRun({ ...run, id: 'r2', startedAt: 9, workflowName: 'other' });
    expect((await b.listWorkflowRuns(2)).map((r) => r.id)).toEqual(['r2', 'r1']);
    await expect(a.updateWorkflowRun('nope', (r) => r)).rejects.toThrow(
      'scheduler: no workflow run nope',
    );
  });

  it('two schedulers over two connections fire each scheduled time once', async () => {
    const { a, b } = await twoTabs();
    const start = at('2026-03-01T00:00:00Z');
    const clock = new FakeClock(start);
    const trigger = scheduled('t1', '*/5 * * * *', start);
    const started: string[] = [];
    const make = (store: SchedulerStore, tab: string) =>
      new Scheduler({
        clock,
        store,
        start: async (_t, why) => {
          started.push(
            `${tab}:${why.kind === 'schedule' ? new Date(why.scheduledFor).toISOString() : why.kind}`,
          );
          return [];
        },
      });
    const s1 = make(a, 'a');
    const s2 = make(b, 'b');
    await Promise.all([s1.setTriggers([trigger]), s2.setTriggers([trigger])]);
    await Promise.all([s1.resume(), s2.resume()]);
    await clock.advanceTo(start + 30 * 60_000, () => Promise.all([s1.idle(), s2.idle()]));
    const times = started.map((s) => s.slice(2)).sort();
    expect(times).toHaveLength(6);
    expect(new Set(times).size).toBe(6);
    expect((await a.listFirings(100, 't1')).every((f) => f.outcome === 'started')).toBe(true);
  });

  it('reads the newest runs of each kind first, no more than asked, and the action names sorted', async () => {
    const { a } = await twoTabs();
    const db = a.db;
    for (const [i, started] of [30, 10, 20].entries()) {
      await db.put('crawlerRuns', {
        id: `c${i}`,
        crawler: 'cr',
        state: 'SUCCEEDED',
        startedAt: started,
        endedAt: started + 1,
        database: 'd',
        sources: [],
        tablesCreated: [],
        tablesUpdated: [],
        partitions: 0,
        filesRead: 0,
        bytesRead: 0,
        skipped: [],
      });
      await db.put('jobRuns', {
        id: `j${i}`,
        job: 'j',
        state: 'RUNNING',
        startedAt: started,
      } as never);
    }
    await a.putWorkflowRun({
      id: 'w1',
      workflowName: 'wf',
      properties: {},
      state: 'RUNNING',
      startedAt: 5,
      startedBy: 'k',
      nodes: [],
    });
    await db.put('crawlers', { name: 'zeta' } as never);
    await db.put('crawlers', { name: 'alpha' } as never);
    const runs = await a.newestRuns(2);
    expect(runs.crawls.map((r) => r.id)).toEqual(['c0', 'c2']);
    expect(runs.jobs.map((r) => r.id)).toEqual(['j0', 'j2']);
    expect(runs.workflows.map((r) => [r.id, r.workflowName])).toEqual([['w1', 'wf']]);
    expect(await a.hasCrawlerRun('c1')).toBe(true);
    expect(await a.hasCrawlerRun('c9')).toBe(false);
    expect(await a.actionNames()).toEqual({ crawlers: ['alpha', 'zeta'], jobs: [] });
  });
});
