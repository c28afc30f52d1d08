/**
 * The scheduler service in Node, as two tabs of one origin: one IndexedDB (fake-indexeddb), one
 * lock manager (memory locks, with the Web Locks semantics), real BroadcastChannels. A job run
 * here is recorded by the jobs' own store under the jobs' own run lock, as JobRunner does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openCatalogDb } from '../../src/storage';
import { INTERRUPTED_MESSAGE, JobStore, runLockName, type JobRunState } from '../../src/jobs';
import type { JobRun } from '../../src/jobs/run-model';
import { DecantError } from '../../src/core/errors';
import { openTabBus } from '../../src/platform/tab-bus';
import { SchedulerService } from '../../src/scheduler/service';
import { SchedulerStore } from '../../src/scheduler/store';
import { eventSources } from '../../src/scheduler/event-sources';
import type {
  FailedRun,
  FinishedJobRun,
  JobLauncher,
  SchedulerMessage,
} from '../../src/scheduler/ports';
import type { Trigger, WorkflowRun } from '../../src/scheduler';
import { MemoryLockOrigin, type MemoryLocks } from './memory-locks';
import { conditional } from './support';

const wallClock = {
  now: () => Date.now(),
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  fromWall: (t: number) => t,
};

/** Job runs as JobRunner records them: the record written while the run's Web Lock is held. */
class TabJobs implements JobLauncher {
  readonly started: { name: string; args: Record<string, string>; runId: string }[] = [];
  readonly #finish = new Map<string, (state: JobRunState) => void>();
  readonly #ended = new Map<string, (run: FinishedJobRun) => void>();
  #next = 0;

  constructor(
    private readonly tab: string,
    private readonly store: JobStore,
    private readonly locks: MemoryLocks,
  ) {}

  start(name: string, args: Record<string, string>): Promise<string> {
    const id = `${this.tab}-${name}-${this.#next++}`;
    const run = jobRun(id, name, args);
    return new Promise((resolve, reject) => {
      void this.locks
        .request(runLockName(id), {}, async () => {
          await this.store.putRun(run);
          this.started.push({ name, args, runId: id });
          resolve(id);
          const state = await new Promise<JobRunState>((r) => this.#finish.set(id, r));
          const endedAt = Date.now();
          const done = { ...run, state, endedAt, durationMs: endedAt - run.startedAt };
          await this.store.putRun(done);
          this.#ended.get(id)?.(done);
        })
        .catch(reject);
    });
  }

  /** The run ends in this tab with `state`. */
  finish(runId: string, state: JobRunState): void {
    this.#finish.get(runId)!(state);
  }

  cancel(runId: string): Promise<void> {
    this.finish(runId, 'STOPPED');
    return Promise.resolve();
  }

  ended(runId: string): Promise<FinishedJobRun> {
    return new Promise((resolve) => this.#ended.set(runId, resolve));
  }
}

function jobRun(id: string, job: string, args: Record<string, string>): JobRun {
  return {
    id,
    job,
    jobVersion: 1,
    attempt: 0,
    firstRunId: id,
    state: 'RUNNING',
    startedAt: Date.now(),
    arguments: args,
    bookmarks: 'disable',
    timeoutMinutes: 60,
    nodes: {},
    sources: [],
    targets: [],
    bytesRead: 0,
    bytesWritten: 0,
    sql: '',
    log: [],
  };
}

let worlds = 0;
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const tab of open.splice(0)) await tab.close();
});

/** One origin: the database, the locks and the bus name its tabs share. */
function origin() {
  const n = ++worlds;
  return {
    factory: new IDBFactory(),
    locks: new MemoryLockOrigin(),
    channel: `decant-scheduler-test-${n}`,
  };
}

async function openTab(world: ReturnType<typeof origin>, id: string) {
  const db = await openCatalogDb('decant', world.factory);
  const store = new SchedulerStore(db);
  const jobStore = new JobStore(db);
  const locks = world.locks.tab(id);
  const bus = openTabBus<SchedulerMessage>(world.channel);
  const jobs = new TabJobs(id, jobStore, locks);
  const failed: FailedRun[] = [];
  const service = new SchedulerService(
    {
      store,
      clock: wallClock,
      bus,
      locks,
      jobs,
      crawlers: {
        launch: (name) => Promise.reject(new DecantError(`scheduler: no crawler "${name}" here`)),
        record: async (run) => void (await db.put('crawlerRuns', run)),
      },
      interruptJobRuns: (live) => jobStore.markInterrupted(live),
      sources: eventSources(store),
      catalogReady: () => Promise.resolve(),
      // The tests look by hand (pollRuns), never on a timer.
      pollMs: 3_600_000,
    },
    { onFailedRun: (run) => failed.push(run) },
  );
  await service.open();
  let closed = false;
  const tab = {
    id,
    store,
    jobStore,
    jobs,
    service,
    failed,
    /** The tab closes: its locks go at once (as the browser lets them go), then the rest. */
    async close() {
      if (closed) return;
      closed = true;
      locks.close();
      // A closed tab runs nothing more: its resignation never settles, so it is not awaited.
      void service.close();
      bus.close();
      db.close();
    },
  };
  open.push(tab);
  return tab;
}

const onDemand = (id: string, actions: Trigger['actions'], more: Partial<Trigger> = {}) =>
  ({
    id,
    name: id,
    kind: 'ON_DEMAND',
    description: '',
    actions,
    activated: true,
    activatedAt: 0,
    createdAt: 0,
    updatedAt: 0,
    ...more,
  }) as Trigger;

const job = (jobName: string) => ({ kind: 'job' as const, jobName, arguments: {} });

async function workflowRun(store: SchedulerStore): Promise<WorkflowRun> {
  const [run] = await store.listWorkflowRuns(1);
  return run!;
}

describe('SchedulerService across tabs', () => {
  it('a job run whose leader tab closed is marked interrupted by the new leader; the FAILED condition fires and the workflow run ends', async () => {
    const world = origin();
    const a = await openTab(world, 'a');
    await a.service.leading;
    const b = await openTab(world, 'b');
    await expect.poll(() => b.service.leader).toBe('follower');

    await a.service.saveWorkflow({
      name: 'wf',
      description: '',
      defaultRunProperties: { day: '1' },
      createdAt: 0,
      updatedAt: 0,
    });
    await a.service.saveTrigger(onDemand('go', [job('load')], { workflowName: 'wf' }));
    await a.service.saveTrigger(
      conditional(
        'on-fail',
        { logical: 'ALL', conditions: [{ kind: 'job', jobName: 'load', state: 'FAILED' }] },
        [job('alert')],
        { workflowName: 'wf' },
      ),
    );
    await a.service.runNow('go');
    const [load] = a.jobs.started;
    expect(load).toMatchObject({ name: 'load', args: { day: '1' } });
    expect((await workflowRun(a.store)).nodes).toContainEqual(
      expect.objectContaining({ nodeId: 'job:load', state: 'RUNNING', runId: load!.runId }),
    );

    // The follower leads, but its sweep leaves the run alone while the leader's tab lives.
    await b.service.pollRuns();
    expect((await b.jobStore.getRun(load!.runId))?.state).toBe('RUNNING');

    await a.close();
    await b.service.leading;
    expect(b.service.leader).toBe('leader');
    const swept = await b.jobStore.getRun(load!.runId);
    expect(swept).toMatchObject({ state: 'FAILED', error: { message: INTERRUPTED_MESSAGE } });
    expect(swept!.endedAt).toBeGreaterThanOrEqual(swept!.startedAt);
    // The condition on FAILED fired in the new leader, inside the same workflow run.
    expect(b.jobs.started.map((s) => s.name)).toEqual(['alert']);
    expect(b.failed).toEqual([{ kind: 'job', name: 'load', state: 'FAILED' }]);
    const going = await workflowRun(b.store);
    expect(going.state).toBe('RUNNING');
    expect(going.nodes.map((n) => [n.nodeId, n.state])).toEqual([
      ['job:load', 'FAILED'],
      ['job:alert', 'RUNNING'],
    ]);

    // The alert ends: nothing runs in the workflow run any more, so it is over.
    b.jobs.finish(b.jobs.started[0]!.runId, 'SUCCEEDED');
    await expect.poll(async () => (await workflowRun(b.store)).state).toBe('COMPLETED');
    expect((await workflowRun(b.store)).error).toBe('job:load FAILED');
    // Looking again handles nothing twice.
    await b.service.pollRuns();
    expect(b.jobs.started).toHaveLength(1);
    expect(b.failed).toHaveLength(1);
    expect(b.service.records.workflowRuns[0]?.state).toBe('COMPLETED');
  });

  it('the leader sweeps a job run once the follower tab that ran it closes, and its FAILED condition fires', async () => {
    const world = origin();
    const a = await openTab(world, 'a');
    await a.service.leading;
    const b = await openTab(world, 'b');
    await expect.poll(() => b.service.leader).toBe('follower');
    await a.service.saveTrigger(onDemand('go', [job('load')]));
    await a.service.saveTrigger(
      conditional(
        'on-fail',
        { logical: 'ANY', conditions: [{ kind: 'job', jobName: 'load', state: 'FAILED' }] },
        [job('alert')],
      ),
    );
    await expect.poll(() => b.service.records.triggers.length).toBe(2);
    // Fired by hand in the follower: the run is the follower's.
    await b.service.runNow('go');
    const runId = b.jobs.started[0]!.runId;

    await a.service.pollRuns();
    expect((await a.jobStore.getRun(runId))?.state).toBe('RUNNING');
    expect(a.jobs.started).toEqual([]);

    await b.close();
    await a.service.pollRuns();
    expect(await a.jobStore.getRun(runId)).toMatchObject({
      state: 'FAILED',
      error: { message: INTERRUPTED_MESSAGE },
    });
    expect(a.jobs.started.map((s) => s.name)).toEqual(['alert']);
    const firing = a.service.records.firings.find((f) => f.triggerName === 'on-fail');
    expect(firing).toMatchObject({ outcome: 'started', why: { kind: 'condition' } });
  });

  it('a job run that ends in a live tab is left to it: the leader handles its end once', async () => {
    const world = origin();
    const a = await openTab(world, 'a');
    await a.service.leading;
    const b = await openTab(world, 'b');
    await a.service.saveTrigger(onDemand('go', [job('load')]));
    await a.service.saveTrigger(
      conditional(
        'on-ok',
        { logical: 'ALL', conditions: [{ kind: 'job', jobName: 'load', state: 'SUCCEEDED' }] },
        [job('next')],
      ),
    );
    await expect.poll(() => b.service.records.triggers.length).toBe(2);
    await b.service.runNow('go');
    b.jobs.finish(b.jobs.started[0]!.runId, 'SUCCEEDED');
    // The follower tells the leader over the bus; the leader starts what follows, once.
    await expect.poll(() => a.jobs.started.map((s) => s.name)).toEqual(['next']);
    await a.service.pollRuns();
    expect(a.jobs.started).toHaveLength(1);
    expect((await a.jobStore.getRun(b.jobs.started[0]!.runId))?.state).toBe('SUCCEEDED');
    expect(a.failed).toEqual([]);
  });
});
