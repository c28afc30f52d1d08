/**
 * The scheduler in the app: every tab keeps the triggers, firings and workflow runs in view; one
 * tab — the holder of a Web Lock — runs the Scheduler and fires. Tabs talk over a BroadcastChannel:
 * a change to the records, a run that finished (CONDITIONAL triggers fire in the leader), a
 * problem the leader met, a workflow run to stop. What a firing starts runs in the tab that fired.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- its Maps and Sets are lookups, never rendered */
import { openCatalogDb, type CatalogDb } from '../storage/schema';
import { DecantError } from '../core/errors';
import type { EngineClient } from '../engine/client';
import {
  electLeader,
  Scheduler,
  workflowGraph,
  type FiringReason,
  type LeaderElection,
  type LeaderState,
  type RunOutcome,
  type StartedRun,
  type Trigger,
  type TriggerAction,
  type TriggerFiring,
  type TriggerProblem,
  type Workflow,
  type WorkflowNodeRun,
  type WorkflowRun,
} from '../scheduler';
import type { CatalogState } from './catalog.svelte';
import { isFinal, jobs } from './jobs.svelte';
import { clockFromSearch, type AppClock } from './scheduler-clock';
import { launchCrawler, outcomeOfCrawlerRun, outcomeOfJobRun } from '../scheduler/launch-runs';
import { eventSources } from '../scheduler/event-sources';
import { SchedulerStore, type WatchedSourceRecord } from '../scheduler/store';

/** Starts and stops job runs (the Jobs area's `jobs()`); without it, job actions fail and say so. */
export interface JobLauncher {
  /** Resolves with the run's id once it is recorded, before it ends. */
  start(name: string, args: Record<string, string>): Promise<string>;
  cancel(runId: string): Promise<void>;
  /** Resolves when the run has ended (in this tab), as recorded. */
  ended(runId: string): Promise<FinishedJobRun>;
}

/** The part of a finished job run the scheduler reads. */
export interface FinishedJobRun {
  id: string;
  job: string;
  state: string;
  endedAt: number;
  error?: { message: string };
}

type Message =
  | { type: 'changed' }
  | { type: 'run-finished'; outcome: RunOutcome }
  | { type: 'problem'; problem: TriggerProblem }
  | { type: 'stop'; workflowRunId: string };

/** A run that did not end well, for notifications. */
export interface FailedRun {
  kind: 'job' | 'crawler';
  name: string;
  state: string;
}

const CHANNEL = 'decant-scheduler';
/** How often the leader looks for runs that finished (in any tab, or on the Crawlers page). */
const RUN_POLL_MS = 2_000;
const ENDED_BADLY = new Set(['FAILED', 'TIMEOUT', 'STOPPED', 'CANCELLED', 'ERROR']);

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
  /** Scheduler time when this page opened: missed and late firings after it are its catch-up. */
  readonly openedAt: number;
  readonly clock: AppClock;
  /** Told about each run that ended badly, once, in the leader tab. */
  onFailedRun: ((run: FailedRun) => void) | null = null;
  jobLauncher: JobLauncher | null = null;

  #db: CatalogDb | null = null;
  #store: SchedulerStore | null = null;
  #scheduler: Scheduler | null = null;
  #channel: BroadcastChannel | null = null;
  #election: LeaderElection | null = null;
  /** Runs started in this tab, to cancel when their workflow run stops. */
  readonly #launches = new Map<string, { cancel(): void; workflowRunId?: string }>();
  /** Finished runs the leader has handled. */
  readonly #handled = new Set<string>();
  /** Crawler runs known to be recorded (the sweep need not look again). */
  readonly #recorded = new Set<string>();
  #polledOnce = false;
  #polling = false;

  constructor(
    private readonly engine: EngineClient,
    private readonly catalog: CatalogState,
    clock: AppClock,
  ) {
    this.clock = clock;
    this.openedAt = clock.now();
  }

  get store(): SchedulerStore {
    if (!this.#store) throw new DecantError('scheduler: not open yet');
    return this.#store;
  }

  /** Opens the records, joins the election and, once leader, starts firing. */
  async open(): Promise<void> {
    try {
      this.#db = await openCatalogDb();
      this.#store = new SchedulerStore(this.#db);
      this.#scheduler = new Scheduler({
        clock: this.clock,
        store: this.#store,
        start: (trigger, why, ctx) => this.#start(trigger, why, ctx),
        sources: eventSources(this.#store),
        // Never throws: a catch-up that cannot read the runs catches up nothing, and says so.
        recentRuns: () =>
          this.#recentOutcomes(200, false).catch((e: unknown) => {
            this.error = `scheduler: cannot read recent runs: ${messageOf(e)}`;
            return [];
          }),
        onFiring: () => void this.#changed(),
        onProblem: (problem) => {
          this.#addProblem(problem);
          this.#post({ type: 'problem', problem });
        },
      });
      this.#channel = new BroadcastChannel(CHANNEL);
      this.#channel.onmessage = (e: MessageEvent<Message>) => void this.#receive(e.data);
      await this.reload();
      this.ready = true;
    } catch (e) {
      this.loadError =
        e instanceof DecantError ? e : new DecantError(`scheduler: cannot open: ${String(e)}`);
      return;
    }
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void this.#scheduler?.check();
    });
    const locks = (navigator as { locks?: LockManager }).locks;
    if (!locks) {
      this.leader = 'unsupported';
      return;
    }
    this.#election = electLeader(locks, undefined, { onChange: (s) => (this.leader = s) });
    this.leader = this.#election.state;
    void this.#election.leadership
      .then(() => this.#lead())
      .catch((e: unknown) => (this.error = `scheduler: cannot start: ${messageOf(e)}`));
  }

  /** Reads everything again (after a change here or in another tab). */
  async reload(): Promise<void> {
    const store = this.store;
    const [triggers, firings, workflows, workflowRuns, crawlers, jobs] = await Promise.all([
      store.listTriggers(),
      store.listFirings(300),
      store.listWorkflows(),
      store.listWorkflowRuns(200),
      this.#db!.getAllKeys('crawlers'),
      this.#db!.getAllKeys('jobs'),
    ]);
    this.triggers = triggers;
    this.firings = firings;
    this.workflows = workflows;
    this.workflowRuns = workflowRuns;
    this.crawlerNames = crawlers.map(String).sort();
    this.jobNames = jobs.map(String).sort();
    // Not awaited: a reload may happen inside the scheduler's own queue (a firing's start).
    void this.#scheduler?.setTriggers(triggers).catch(() => undefined);
  }

  // Triggers

  /** Saves a trigger (new or changed) with its watched source, if it watches a new one. */
  async saveTrigger(trigger: Trigger, source?: WatchedSourceRecord): Promise<Trigger> {
    const before = this.triggers.find((t) => t.id === trigger.id);
    const now = this.clock.now();
    const changed =
      !before ||
      before.activated !== trigger.activated ||
      JSON.stringify(whatFires(before)) !== JSON.stringify(whatFires(trigger));
    const next: Trigger = {
      ...trigger,
      createdAt: before?.createdAt ?? now,
      updatedAt: now,
      activatedAt: changed ? now : trigger.activatedAt,
    };
    if (source) await this.store.putSource(source);
    await this.store.putTrigger(next);
    // What went wrong before the change may no longer hold; the scheduler says again if it does.
    this.problems = this.problems.filter((p) => p.triggerId !== next.id);
    await this.#changed();
    return next;
  }

  async setActivated(id: string, activated: boolean): Promise<void> {
    const t = this.triggers.find((x) => x.id === id);
    if (!t) throw new DecantError(`scheduler: no trigger with id ${id}`);
    await this.saveTrigger({ ...t, activated });
  }

  /**
   * Asks again for read access to an EVENT trigger's watched folder (call inside the click), then
   * looks at it at once. Throws a DecantError when the browser refuses.
   */
  async grantAccess(id: string): Promise<void> {
    const t = this.triggers.find((x) => x.id === id);
    if (t?.kind !== 'EVENT') throw new DecantError(`scheduler: trigger ${id} watches no folder`);
    const source = await this.store.getSource(t.source.sourceId);
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
    this.problems = this.problems.filter((p) => p.triggerId !== id);
    await this.#scheduler?.check();
  }

  async deleteTrigger(id: string): Promise<void> {
    await this.store.deleteTrigger(id);
    await this.#changed();
  }

  /** Fires the trigger now in this tab (Glue's StartTrigger), with `args` for its jobs. */
  async runNow(id: string, args: Record<string, string> = {}): Promise<TriggerFiring> {
    const firing = await this.#scheduler!.fireNow(id, args);
    await this.#changed();
    return firing;
  }

  // Workflows

  async saveWorkflow(workflow: Workflow): Promise<void> {
    await this.store.putWorkflow(workflow);
    await this.#changed();
  }

  async deleteWorkflow(name: string): Promise<void> {
    await this.store.deleteWorkflow(name, this.clock.now());
    await this.#changed();
  }

  /** Stops a workflow run: nothing more starts in it, and its running crawlers and jobs stop. */
  async stopWorkflowRun(id: string): Promise<void> {
    await this.store.updateWorkflowRun(id, (r) => {
      if (r.state !== 'RUNNING') return undefined;
      const running = r.nodes.some((n) => n.state === 'RUNNING');
      return running
        ? { ...r, state: 'STOPPING' }
        : { ...r, state: 'STOPPED', endedAt: this.clock.now() };
    });
    this.#cancelRuns(id);
    this.#post({ type: 'stop', workflowRunId: id });
    await this.#changed();
  }

  /**
   * A new run of the workflow that starts again from the nodes that failed in `id`; the nodes that
   * succeeded count as done (their runs satisfy the conditions after them).
   */
  async resumeWorkflowRun(id: string): Promise<WorkflowRun> {
    const old = await this.store.getWorkflowRun(id);
    if (!old) throw new DecantError(`scheduler: no workflow run ${id}`);
    const failed = old.nodes.filter((n) => ENDED_BADLY.has(n.state)).map((n) => n.nodeId);
    if (failed.length === 0)
      throw new DecantError(`scheduler: workflow run ${id} has no failed node to resume from`);
    const run: WorkflowRun = {
      id: newId('wr'),
      workflowName: old.workflowName,
      properties: old.properties,
      state: 'RUNNING',
      startedAt: this.clock.now(),
      startedBy: `resume:${old.id}`,
      nodes: old.nodes.map((n) =>
        n.state === 'SUCCEEDED' ? n : { nodeId: n.nodeId, state: 'WAITING' },
      ),
      resumedFrom: { runId: old.id, nodeIds: failed },
    };
    await this.store.putWorkflowRun(run);
    const actions = this.triggers
      .filter((t) => t.workflowName === old.workflowName)
      .flatMap((t) => t.actions);
    try {
      for (const nodeId of failed) {
        const action = actions.find((a) => nodeIdOf(a) === nodeId) ?? actionOf(nodeId);
        await this.#launch(action, run.properties, {}, run.id);
      }
    } catch (e) {
      await this.#failRun(run.id, e);
      throw e;
    }
    await this.#changed();
    return run;
  }

  // Starting what a firing starts

  async #start(
    trigger: Trigger,
    why: FiringReason,
    ctx: { key: string; workflowRunId?: string },
  ): Promise<StartedRun[]> {
    const args = why.kind === 'on-demand' ? why.arguments : {};
    let workflowRunId = ctx.workflowRunId;
    let properties: Record<string, string> = {};
    if (trigger.workflowName !== undefined) {
      if (workflowRunId === undefined) {
        const run = await this.#newWorkflowRun(trigger.workflowName, ctx.key, args);
        workflowRunId = run.id;
        properties = run.properties;
      } else {
        const run = await this.store.getWorkflowRun(workflowRunId);
        if (run?.state !== 'RUNNING')
          throw new DecantError(
            `scheduler: workflow run ${workflowRunId} is ${run ? run.state : 'gone'}: trigger "${trigger.name}" starts nothing`,
          );
        properties = run.properties;
      }
    }
    const started: StartedRun[] = [];
    try {
      for (const action of trigger.actions)
        started.push(await this.#launch(action, properties, args, workflowRunId));
    } catch (e) {
      if (workflowRunId !== undefined && ctx.workflowRunId === undefined)
        await this.#failRun(workflowRunId, e);
      throw e;
    }
    return started;
  }

  async #newWorkflowRun(
    name: string,
    key: string,
    args: Record<string, string>,
  ): Promise<WorkflowRun> {
    const workflow = await this.#db!.get('workflows', name);
    if (!workflow) throw new DecantError(`scheduler: there is no workflow "${name}"`);
    const graph = workflowGraph(name, this.triggers);
    if (graph.problems.length > 0) throw new DecantError(`scheduler: ${graph.problems[0]}`);
    if (workflow.maxConcurrentRuns !== undefined) {
      const running = (await this.store.listWorkflowRuns(1000, name)).filter(
        (r) => r.state === 'RUNNING' || r.state === 'STOPPING',
      );
      if (running.length >= workflow.maxConcurrentRuns)
        throw new DecantError(
          `scheduler: workflow "${name}" already has ${running.length} run(s) going (at most ${workflow.maxConcurrentRuns})`,
        );
    }
    const run: WorkflowRun = {
      id: newId('wr'),
      workflowName: name,
      properties: { ...workflow.defaultRunProperties, ...args },
      state: 'RUNNING',
      startedAt: this.clock.now(),
      startedBy: key,
      nodes: graph.nodes
        .filter((n) => n.kind !== 'trigger')
        .map((n) => ({ nodeId: n.id, state: 'WAITING' })),
    };
    await this.store.putWorkflowRun(run);
    return run;
  }

  /**
   * Starts one action; a workflow's node shows RUNNING before it starts. A job's arguments are
   * the workflow run's properties, under the action's own arguments, under those given to Run now.
   */
  async #launch(
    action: TriggerAction,
    properties: Record<string, string>,
    args: Record<string, string>,
    workflowRunId?: string,
  ): Promise<StartedRun> {
    const nodeId = nodeIdOf(action);
    const name = action.kind === 'job' ? action.jobName : action.crawlerName;
    if (action.kind === 'job') {
      if (!this.jobLauncher)
        throw new DecantError(`scheduler: job "${name}" cannot be started: jobs are not loaded`);
      const runId = await this.jobLauncher.start(name, {
        ...properties,
        ...action.arguments,
        ...args,
      });
      const launcher = this.jobLauncher;
      this.#launches.set(runId, {
        cancel: () => void launcher.cancel(runId),
        ...(workflowRunId === undefined ? {} : { workflowRunId }),
      });
      if (workflowRunId !== undefined)
        await this.#setNode(workflowRunId, nodeId, { state: 'RUNNING', runId });
      void launcher.ended(runId).then(async (run) => {
        this.#launches.delete(runId);
        const outcome = outcomeOfJobRun(run, this.clock.fromWall, workflowRunId);
        if (outcome) await this.#finished(outcome, run.error?.message);
      });
      return { kind: 'job', name, runId };
    }
    const runId = newId('cr');
    // Held while the crawl runs: if this tab closes first, the leader finds the lock free.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    void navigator.locks?.request(runLock(runId), () => held).catch(() => undefined);
    const entry = {
      cancel: () => undefined,
      ...(workflowRunId === undefined ? {} : { workflowRunId }),
    };
    this.#launches.set(runId, entry);
    let launch;
    try {
      if (workflowRunId !== undefined)
        await this.#setNode(workflowRunId, nodeId, { state: 'RUNNING', runId });
      launch = await launchCrawler(this.engine, this.catalog, name, runId);
    } catch (e) {
      this.#launches.delete(runId);
      release();
      if (workflowRunId !== undefined)
        await this.#setNode(workflowRunId, nodeId, { state: 'FAILED', error: messageOf(e) });
      throw e;
    }
    this.#launches.set(runId, { ...entry, cancel: launch.cancel });
    void launch.done.finally(release);
    void launch.done.then(async (run) => {
      this.#launches.delete(runId);
      const outcome = outcomeOfCrawlerRun(run, this.clock.fromWall, workflowRunId);
      if (outcome) await this.#finished(outcome, run.error);
    });
    return { kind: 'crawler', name, runId };
  }

  /** A run this tab started has ended: its node, then the leader (here or in another tab). */
  async #finished(outcome: RunOutcome, error?: string): Promise<void> {
    if (outcome.workflowRunId !== undefined)
      await this.#endNode(outcome, error).catch(() => undefined);
    this.#post({ type: 'run-finished', outcome });
    await this.#handle(outcome);
    await this.#changed();
  }

  async #endNode(outcome: RunOutcome, error?: string): Promise<void> {
    const nodeId = `${outcome.kind}:${outcome.name}`;
    await this.store.updateWorkflowRun(outcome.workflowRunId!, (r) => {
      const node = r.nodes.find((n) => n.nodeId === nodeId);
      if (!node || node.runId !== outcome.runId || node.state !== 'RUNNING') return undefined;
      return withNode(r, nodeId, {
        state: outcome.state as WorkflowNodeRun['state'],
        endedAt: outcome.endedAt,
        ...(error ? { error } : {}),
      });
    });
  }

  /** In the leader: conditions on the run, then whether its workflow run is over; once per run. */
  async #handle(outcome: RunOutcome): Promise<void> {
    if (this.leader !== 'leader' || !this.#scheduler?.running) return;
    const id = `${outcome.runId}|${outcome.workflowRunId ?? ''}`;
    const first = !this.#handled.has(id);
    this.#handled.add(id);
    try {
      await this.#scheduler.runFinished(outcome, await this.#recentOutcomes());
    } catch (e) {
      this.error = `scheduler: could not look at the conditions after ${outcome.kind} "${outcome.name}" ended: ${messageOf(e)}`;
    }
    if (outcome.workflowRunId !== undefined) await this.#settle(outcome.workflowRunId);
    if (
      first &&
      ENDED_BADLY.has(outcome.state) &&
      !this.#handled.has(`notified|${outcome.runId}`)
    ) {
      this.#handled.add(`notified|${outcome.runId}`);
      this.onFailedRun?.({ kind: outcome.kind, name: outcome.name, state: outcome.state });
    }
  }

  /** Ends a workflow run once nothing in it runs (and nothing more was started by its end). */
  async #settle(workflowRunId: string): Promise<void> {
    await this.store
      .updateWorkflowRun(workflowRunId, (r) => {
        if (r.state !== 'RUNNING' && r.state !== 'STOPPING') return undefined;
        if (r.nodes.some((n) => n.state === 'RUNNING')) return undefined;
        const bad = r.nodes.filter((n) => ENDED_BADLY.has(n.state));
        return {
          ...r,
          state: r.state === 'STOPPING' ? 'STOPPED' : 'COMPLETED',
          endedAt: this.clock.now(),
          ...(bad.length > 0
            ? { error: `${bad.map((n) => `${n.nodeId} ${n.state}`).join(', ')}` }
            : {}),
        };
      })
      .catch(() => undefined);
  }

  async #failRun(workflowRunId: string, e: unknown): Promise<void> {
    await this.store
      .updateWorkflowRun(workflowRunId, (r) => ({
        ...r,
        state: r.nodes.some((n) => n.state === 'RUNNING') ? r.state : 'ERROR',
        error: messageOf(e),
        ...(r.nodes.some((n) => n.state === 'RUNNING') ? {} : { endedAt: this.clock.now() }),
      }))
      .catch(() => undefined);
  }

  async #setNode(
    workflowRunId: string,
    nodeId: string,
    change: Partial<WorkflowNodeRun>,
  ): Promise<void> {
    const now = this.clock.now();
    await this.store.updateWorkflowRun(workflowRunId, (r) =>
      withNode(r, nodeId, {
        ...change,
        ...(change.state === 'RUNNING' ? { startedAt: now, endedAt: undefined } : { endedAt: now }),
      }),
    );
    await this.#changed();
  }

  #cancelRuns(workflowRunId: string): void {
    for (const launch of this.#launches.values())
      if (launch.workflowRunId === workflowRunId) launch.cancel();
  }

  // The leader

  async #lead(): Promise<void> {
    await this.#catalogLoaded();
    await this.#scheduler!.resume();
    // As long as the page lives: leadership ends only with it.
    setInterval(() => void this.#pollRuns(), RUN_POLL_MS);
    await this.#pollRuns();
  }

  /** Crawls plan against the catalog's tables: fire nothing before they are read. */
  async #catalogLoaded(): Promise<void> {
    while (!this.catalog.tablesLoaded && !this.catalog.loadError)
      await new Promise((r) => setTimeout(r, 50));
  }

  /**
   * Finished runs the leader has not handled: crawls from the Crawlers page, jobs, runs of other
   * tabs whose message was missed. The first look only notes what exists (resume() caught up).
   */
  async #pollRuns(): Promise<void> {
    if (this.leader !== 'leader' || this.#polling) return;
    this.#polling = true;
    try {
      await this.#pollOnce();
    } finally {
      this.#polling = false;
    }
  }

  async #pollOnce(): Promise<void> {
    let outcomes: RunOutcome[];
    try {
      if (this.#polledOnce) await this.#sweepInterrupted();
      outcomes = await this.#recentOutcomes(50, false);
    } catch {
      return; // the next poll tries again
    }
    const fresh = outcomes.filter((o) => !this.#handled.has(`${o.runId}|${o.workflowRunId ?? ''}`));
    if (!this.#polledOnce) {
      this.#polledOnce = true;
      for (const o of fresh) this.#handled.add(`${o.runId}|${o.workflowRunId ?? ''}`);
      return;
    }
    for (const o of fresh.sort((a, b) => a.endedAt - b.endedAt)) {
      if (o.workflowRunId !== undefined) await this.#endNode(o).catch(() => undefined);
      await this.#handle(o);
    }
    if (fresh.length > 0) await this.#changed();
  }

  /**
   * Crawls started by a firing or a workflow whose tab closed before they ended: no record, no
   * lock held. Each is recorded FAILED with why, so conditions and workflow runs move on.
   */
  async #sweepInterrupted(): Promise<void> {
    const locks = (navigator as { locks?: LockManager }).locks;
    if (!locks?.query) return;
    const started = new Map<string, { name: string; at: number }>();
    for (const f of this.firings)
      for (const s of f.started)
        if (s.kind === 'crawler') started.set(s.runId, { name: s.name, at: f.recordedAt });
    for (const r of this.workflowRuns)
      for (const n of r.nodes)
        if (n.state === 'RUNNING' && n.runId !== undefined && n.nodeId.startsWith('crawler:'))
          started.set(n.runId, { name: n.nodeId.slice('crawler:'.length), at: n.startedAt ?? 0 });
    const missing: [string, { name: string; at: number }][] = [];
    for (const entry of started) {
      const id = entry[0];
      if (this.#recorded.has(id) || this.#launches.has(id)) continue;
      // A RUNNING record is the run's own start: ended only when its state says so.
      const record = await this.#db!.get('crawlerRuns', id);
      if (record && record.state !== 'RUNNING') this.#recorded.add(id);
      else missing.push(entry);
    }
    if (missing.length === 0) return;
    const snapshot = await locks.query();
    const live = new Set(
      [...(snapshot.held ?? []), ...(snapshot.pending ?? [])].map((l) => l.name),
    );
    for (const [id, { name }] of missing) {
      if (live.has(runLock(id))) continue;
      // Read again: it may have ended while the locks were asked about.
      const again = await this.#db!.get('crawlerRuns', id);
      if (again && again.state !== 'RUNNING') continue;
      const now = Date.now();
      await this.catalog.records
        .recordCrawlerRun({
          id,
          crawler: name,
          state: 'FAILED',
          startedAt: now,
          endedAt: now,
          database: '',
          sources: [],
          tablesCreated: [],
          tablesUpdated: [],
          partitions: 0,
          filesRead: 0,
          bytesRead: 0,
          skipped: [],
          error: `scheduler: crawler "${name}" was interrupted: the tab running it closed before it ended`,
        })
        .catch(() => undefined);
    }
  }

  /**
   * Finished crawler and job runs, in the scheduler's time; a run that is a node of workflow runs
   * comes once more per workflow run (a resumed run shares the succeeded nodes of the one before:
   * with `inherited` false, those shared nodes come only for the run they ran in).
   */
  async #recentOutcomes(limit = 200, inherited = true): Promise<RunOutcome[]> {
    const db = this.#db!;
    const [crawls, jobRuns, workflowRuns] = await Promise.all([
      this.catalog.records.listCrawlerRuns(limit),
      newestJobRuns(db, limit),
      this.store.listWorkflowRuns(100),
    ]);
    const scopes = new Map<string, string[]>();
    for (const wr of workflowRuns)
      for (const n of wr.nodes) {
        if (n.runId === undefined) continue;
        // A resumed run keeps the nodes that succeeded before it: they satisfy conditions after
        // them, but did not just finish (as events they would start their successors again).
        const before = wr.resumedFrom !== undefined && (n.endedAt ?? Infinity) < wr.startedAt;
        if (before && !inherited) continue;
        scopes.set(n.runId, [...(scopes.get(n.runId) ?? []), wr.id]);
      }
    const out: RunOutcome[] = [];
    const add = (o: RunOutcome | undefined) => {
      if (!o) return;
      out.push(o);
      for (const scope of scopes.get(o.runId) ?? []) out.push({ ...o, workflowRunId: scope });
    };
    for (const run of crawls) add(outcomeOfCrawlerRun(run, this.clock.fromWall));
    for (const run of jobRuns) add(outcomeOfJobRun(run, this.clock.fromWall));
    return out;
  }

  // Tabs

  async #receive(message: Message): Promise<void> {
    switch (message.type) {
      case 'changed':
        await this.reload().catch((e: unknown) => {
          this.error = `scheduler: cannot read the schedule again: ${messageOf(e)}`;
        });
        break;
      case 'run-finished':
        await this.#handle(message.outcome);
        break;
      case 'problem':
        this.#addProblem(message.problem);
        break;
      case 'stop':
        this.#cancelRuns(message.workflowRunId);
        break;
    }
  }

  #addProblem(problem: TriggerProblem): void {
    this.problems = [problem, ...this.problems].slice(0, 100);
  }

  /** Tells the other tabs and reads again; never throws (a failed read is shown). */
  async #changed(): Promise<void> {
    this.#post({ type: 'changed' });
    await this.reload().catch((e: unknown) => {
      this.error = `scheduler: cannot read the schedule again: ${messageOf(e)}`;
    });
  }

  #post(message: Message): void {
    this.#channel?.postMessage(message);
  }
}

/** The newest job runs, by the by-started index, without reading the rest. */
async function newestJobRuns(db: CatalogDb, limit: number) {
  const out = [];
  let cursor = await db.transaction('jobRuns').store.index('by-started').openCursor(null, 'prev');
  while (cursor && out.length < limit) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}

/** What makes a trigger fire: changing it starts its missed-run and condition history afresh. */
function whatFires(t: Trigger): unknown {
  switch (t.kind) {
    case 'SCHEDULED':
      return [t.schedule, t.timeZone];
    case 'CONDITIONAL':
      return t.predicate;
    case 'EVENT':
      return t.source;
    case 'ON_DEMAND':
      return null;
  }
}

function withNode(run: WorkflowRun, nodeId: string, change: Partial<WorkflowNodeRun>): WorkflowRun {
  const has = run.nodes.some((n) => n.nodeId === nodeId);
  const nodes = has
    ? run.nodes.map((n) => (n.nodeId === nodeId ? { ...n, ...change } : n))
    : [...run.nodes, { nodeId, state: 'WAITING' as const, ...change }];
  return { ...run, nodes };
}

function nodeIdOf(action: TriggerAction): string {
  return action.kind === 'job' ? `job:${action.jobName}` : `crawler:${action.crawlerName}`;
}

function actionOf(nodeId: string): TriggerAction {
  const [kind, ...rest] = nodeId.split(':');
  const name = rest.join(':');
  return kind === 'job'
    ? { kind: 'job', jobName: name, arguments: {} }
    : { kind: 'crawler', crawlerName: name };
}

/** The Web Lock a crawl holds while it runs in some tab. */
function runLock(runId: string): string {
  return `decant-run:${runId}`;
}

function newId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

let state: ScheduleState | null = null;

/** The page's one scheduler state, opened on first use (App starts it on load). */
export function schedule(engine: EngineClient, catalog: CatalogState): ScheduleState {
  if (!state) {
    state = new ScheduleState(engine, catalog, clockFromSearch(location.search));
    // Jobs load on the first job a trigger starts.
    state.jobLauncher = {
      start: (name, args) => jobs().start(name, args),
      cancel: (runId) => jobs().cancel(runId),
      ended: async (runId) => {
        for (;;) {
          const run = await jobs().run(runId);
          if (run && isFinal(run.state)) return { ...run, endedAt: run.endedAt ?? Date.now() };
          await new Promise((r) => setTimeout(r, 300));
        }
      },
    };
    void state.open();
  }
  return state;
}
