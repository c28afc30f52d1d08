/**
 * The Schedule page's state: the scheduler service's records as runes, and the page's actions
 * passed through. The service (src/scheduler/service.ts) does the work: one tab leads and fires,
 * the others follow over the tab bus. `createScheduleState` composes its ports for this page.
 */
import { DecantError } from '../core/errors';
import type { EngineClient } from '../engine/client';
import type { CatalogDb } from '../storage';
import { openTabBus } from '../platform/tab-bus';
import { JobStore, isFinal, type JobRunState } from '../jobs';
import {
  eventSources,
  SchedulerService,
  SchedulerStore,
  type FailedRun,
  type FinishedJobRun,
  type JobLauncher,
  type LeaderState,
  type SchedulerLocks,
  type SchedulerMessage,
  type Trigger,
  type TriggerFiring,
  type TriggerProblem,
  type WatchedSourceRecord,
  type Workflow,
  type WorkflowRun,
} from '../scheduler';
import { browserCrawlPorts, type S3CredentialsNow } from '../crawler';
import { launchCrawler } from '../scheduler';
import type { CatalogState } from './catalog.svelte';
import type { JobsState } from './jobs.svelte';
import type { AppClock } from './scheduler-clock';

export type { FailedRun, FinishedJobRun, JobLauncher };

export class ScheduleState {
  ready = $state(false);
  loadError = $state.raw<DecantError | null>(null);
  /** The latest failure of the scheduler's own work (reading runs, records), for the banner. */
  error = $state('');
  /** This tab's part: `leader` fires; `follower` waits behind the tab that does. */
  leader = $state<LeaderState | 'unsupported'>('probing');
  triggers = $state.raw<Trigger[]>([]);
  /** Newest first. */
  firings = $state.raw<TriggerFiring[]>([]);
  /** What stopped a trigger from firing, newest first (reported by whichever tab leads). */
  problems = $state.raw<TriggerProblem[]>([]);
  workflows = $state.raw<Workflow[]>([]);
  /** Newest first. */
  workflowRuns = $state.raw<WorkflowRun[]>([]);
  crawlerNames = $state.raw<string[]>([]);
  jobNames = $state.raw<string[]>([]);
  /** Told about each run that ended badly, once, in the leader tab. */
  onFailedRun: ((run: FailedRun) => void) | null = null;
  readonly openedAt: number;

  readonly #service: Promise<SchedulerService>;
  #opened: SchedulerService | null = null;

  /** `service` makes the service once its records can be opened; this state mirrors it. */
  constructor(
    readonly clock: AppClock,
    service: (events: {
      onChange(): void;
      onFailedRun(run: FailedRun): void;
    }) => Promise<SchedulerService>,
  ) {
    this.openedAt = clock.now();
    this.#service = service({
      onChange: () => this.#mirror(),
      onFailedRun: (run) => this.onFailedRun?.(run),
    });
  }

  /** Opens the records and joins the election; a failure is kept in `loadError`. */
  async open(): Promise<void> {
    try {
      const service = await this.#service;
      await service.open();
      this.#opened = service;
      this.#mirror();
      this.ready = true;
    } catch (e) {
      this.loadError =
        e instanceof DecantError ? e : new DecantError(`scheduler: cannot open: ${String(e)}`);
    }
  }

  get #s(): SchedulerService {
    if (!this.#opened) throw new DecantError('scheduler: not open yet');
    return this.#opened;
  }

  reload = () => this.#s.reload();
  /** Looks at every trigger now (the tab became visible again). */
  check = () => this.#s.check();
  saveTrigger = (trigger: Trigger, source?: WatchedSourceRecord) =>
    this.#s.saveTrigger(trigger, source);
  setActivated = (id: string, activated: boolean) => this.#s.setActivated(id, activated);
  deleteTrigger = (id: string) => this.#s.deleteTrigger(id);
  /** Fires the trigger now in this tab (Glue's StartTrigger), with `args` for its jobs. */
  runNow = (id: string, args: Record<string, string> = {}) => this.#s.runNow(id, args);
  saveWorkflow = (workflow: Workflow) => this.#s.saveWorkflow(workflow);
  deleteWorkflow = (name: string) => this.#s.deleteWorkflow(name);
  stopWorkflowRun = (id: string) => this.#s.stopWorkflowRun(id);
  resumeWorkflowRun = (id: string) => this.#s.resumeWorkflowRun(id);

  /**
   * Asks again for read access to an EVENT trigger's watched folder (call inside the click), then
   * looks at it at once. Throws a DecantError when the browser refuses.
   */
  async grantAccess(id: string): Promise<void> {
    const s = this.#s;
    const t = this.triggers.find((x) => x.id === id);
    if (t?.kind !== 'EVENT') throw new DecantError(`scheduler: trigger ${id} watches no folder`);
    const source = await s.store.getSource(t.source.sourceId);
    if (source?.kind !== 'watched-folder')
      throw new DecantError(`scheduler: trigger "${t.name}" watches no folder`);
    const handle = source.handle as unknown as {
      requestPermission?: (d: { mode: 'read' }) => Promise<PermissionState>;
    };
    const answer = (await handle.requestPermission?.({ mode: 'read' })) ?? 'granted';
    if (answer !== 'granted')
      throw new DecantError(
        `scheduler: the browser did not allow reading "${source.label}" (${answer})`,
      );
    s.clearProblems(id);
    await s.check();
  }

  #mirror(): void {
    const s = this.#opened;
    if (!s) return;
    const r = s.records;
    this.triggers = r.triggers;
    this.firings = r.firings;
    this.workflows = r.workflows;
    this.workflowRuns = r.workflowRuns;
    this.crawlerNames = r.crawlerNames;
    this.jobNames = r.jobNames;
    this.problems = s.problems;
    this.leader = s.leader;
    this.error = s.error;
  }
}

/** Resolves once the catalog's tables are read (or cannot be): crawls plan against them. */
function catalogLoaded(catalog: CatalogState): Promise<void> {
  return new Promise((resolve) => {
    const stop = $effect.root(() => {
      $effect(() => {
        if (!catalog.tablesLoaded && !catalog.loadError) return;
        resolve();
        queueMicrotask(() => stop());
      });
    });
  });
}

/** The scheduler's way to start, cancel and await job runs: through the page's JobsState. */
export function jobLauncherOf(jobs: JobsState): JobLauncher {
  return {
    start: (name, args) => jobs.start(name, args),
    cancel: (runId) => jobs.cancel(runId),
    // A run's end is told on the jobs' tab bus, whichever tab runs it.
    ended: (runId) =>
      new Promise<FinishedJobRun>((resolve) => {
        const bus = openTabBus<{ runId?: string; state?: JobRunState }>('decant-jobs');
        const look = async () => {
          const run = await jobs.run(runId);
          if (!run || !isFinal(run.state)) return;
          bus.close();
          resolve({ ...run, endedAt: run.endedAt ?? Date.now() });
        };
        bus.subscribe((m) => {
          if (m.runId === runId && m.state !== undefined && isFinal(m.state)) void look();
        });
        void look();
      }),
  };
}

/** The page's scheduler state over its ports; boot.ts makes one and opens it. */
export function createScheduleState(deps: {
  engine: EngineClient;
  catalog: CatalogState;
  jobs: JobsState;
  /** The page's one connection. */
  db: Promise<CatalogDb>;
  clock: AppClock;
  /** The tab's AWS credentials now, for saved crawlers of S3 prefixes (null: locked). */
  s3Credentials?: S3CredentialsNow;
}): ScheduleState {
  const { engine, catalog, clock } = deps;
  const locks = (navigator as { locks?: SchedulerLocks }).locks ?? null;
  const jobLauncher = jobLauncherOf(deps.jobs);
  const state = new ScheduleState(clock, async (events) => {
    const db = await deps.db;
    const store = new SchedulerStore(db);
    const jobStore = new JobStore(db);
    return new SchedulerService(
      {
        store,
        clock,
        bus: openTabBus<SchedulerMessage>('decant-scheduler'),
        locks,
        jobs: jobLauncher,
        crawlers: {
          launch: (name, runId) =>
            launchCrawler(
              engine,
              catalog,
              name,
              runId,
              browserCrawlPorts(engine, () => catalog.records, deps.s3Credentials),
            ),
          record: (run) => catalog.records.recordCrawlerRun(run),
        },
        interruptJobRuns: (live) => jobStore.markInterrupted(live),
        sources: eventSources(store),
        catalogReady: () => catalogLoaded(catalog),
      },
      events,
    );
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible')
      if (state.ready) void state.check().catch(() => undefined);
  });
  return state;
}
