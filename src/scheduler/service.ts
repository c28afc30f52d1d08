/**
 * The scheduler as the page runs it: every tab keeps the triggers, firings and workflow runs in
 * view; one tab, the holder of a Web Lock, runs the Scheduler and fires. What a firing starts runs
 * in the tab that fired. The leader also watches runs that finish anywhere (CONDITIONAL triggers,
 * workflow nodes) and sweeps the runs whose tab closed: crawls with no record and no lock, and job
 * runs whose run lock is free, are recorded FAILED so conditions and workflow runs move on.
 *
 * Every port is passed in (see ports.ts); nothing here touches the DOM or IndexedDB directly.
 */
import { DecantError } from '../core/errors';
import { electLeader, type LeaderElection, type LeaderState } from './leader';
import type { RunOutcome, Trigger, WorkflowRun } from './model';
import { Scheduler, type TriggerProblem } from './scheduler';
import {
  ENDED_BADLY,
  nextWorkflowRun,
  resumedWorkflowRun,
  type WorkflowRunEvent,
} from './workflow-runs';
import { RunWatch } from './run-watch';
import { ActionLauncher, newId } from './action-launcher';
import type { WatchedSourceRecord } from './store';
import type { SchedulerEvents, SchedulerMessage, SchedulerPorts, SchedulerRecords } from './ports';

const EMPTY: SchedulerRecords = {
  triggers: [],
  firings: [],
  workflows: [],
  workflowRuns: [],
  crawlerNames: [],
  jobNames: [],
};

export class SchedulerService {
  records: SchedulerRecords = EMPTY;
  /** What stopped a trigger from firing, newest first (reported by whichever tab leads). */
  problems: TriggerProblem[] = [];
  /** The latest failure of the scheduler's own work (reading runs, records), for the banner. */
  error = '';
  /** This tab's part: `leader` fires; `follower` waits behind the tab that does. */
  leader: LeaderState | 'unsupported' = 'probing';
  /** Scheduler time when this page opened: missed and late firings after it are its catch-up. */
  readonly openedAt: number;
  /** Resolves once this tab leads and has looked at the runs (and swept) for the first time. */
  readonly leading: Promise<void>;

  readonly #p: SchedulerPorts;
  readonly #events: SchedulerEvents;
  readonly #scheduler: Scheduler;
  #election: LeaderElection | null = null;
  #led!: () => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #unsubscribe: (() => void) | undefined;
  #closed = false;
  readonly #launcher: ActionLauncher;
  readonly #watch: RunWatch;
  #polling: Promise<void> | null = null;

  constructor(ports: SchedulerPorts, events: SchedulerEvents = {}) {
    this.#p = ports;
    this.#events = events;
    this.openedAt = ports.clock.now();
    this.leading = new Promise((resolve) => (this.#led = resolve));
    this.#launcher = new ActionLauncher(ports, {
      records: () => this.records,
      apply: (id, event, announce) => this.#apply(id, event, announce),
      finished: (outcome, error) => this.#finished(outcome, error),
    });
    this.#watch = new RunWatch(
      ports,
      () => this.records,
      (id) => this.#launcher.isLaunched(id),
    );
    this.#scheduler = new Scheduler({
      clock: ports.clock,
      store: ports.store,
      start: (trigger, why, ctx) => this.#launcher.start(trigger, why, ctx),
      sources: ports.sources,
      // Never throws: a catch-up that cannot read the runs catches up nothing, and says so.
      recentRuns: () =>
        this.#watch.recentOutcomes(200, true).catch((e: unknown) => {
          this.#fail(`scheduler: cannot read recent runs: ${messageOf(e)}`);
          return [];
        }),
      onFiring: () => void this.#changed(),
      onProblem: (problem) => {
        this.#addProblem(problem);
        this.#p.bus.post({ type: 'problem', problem });
      },
    });
  }

  get store() {
    return this.#p.store;
  }

  /** Reads the records, listens to the other tabs and joins the election. Throws if unreadable. */
  async open(): Promise<void> {
    this.#unsubscribe = this.#p.bus.subscribe((m) => void this.#receive(m));
    await this.reload();
    const locks = this.#p.locks;
    if (!locks) {
      this.#setLeader('unsupported');
      return;
    }
    this.#election = electLeader(locks, undefined, { onChange: (s) => this.#setLeader(s) });
    this.#setLeader(this.#election.state);
    void this.#election.leadership
      .then(() => this.#lead())
      .catch((e: unknown) => this.#fail(`scheduler: cannot start: ${messageOf(e)}`));
  }

  /** Stops firing and listening, and lets the leadership go (the page is going away). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#unsubscribe?.();
    this.#scheduler.pause();
    await this.#election?.resign();
  }

  /** Reads everything again (after a change here or in another tab). */
  async reload(): Promise<void> {
    const store = this.#p.store;
    const [triggers, firings, workflows, workflowRuns, names] = await Promise.all([
      store.listTriggers(),
      store.listFirings(300),
      store.listWorkflows(),
      store.listWorkflowRuns(200),
      store.actionNames(),
    ]);
    this.records = {
      triggers,
      firings,
      workflows,
      workflowRuns,
      crawlerNames: names.crawlers,
      jobNames: names.jobs,
    };
    this.#events.onChange?.();
    // Not awaited: a reload may happen inside the scheduler's own queue (a firing's start).
    void this.#scheduler.setTriggers(triggers).catch(() => undefined);
  }

  /** Looks at every trigger now (the tab became visible, a folder was granted). */
  check(): Promise<void> {
    return this.#scheduler.check();
  }

  // Triggers

  /** Saves a trigger (new or changed) with its watched source, if it watches a new one. */
  async saveTrigger(trigger: Trigger, source?: WatchedSourceRecord): Promise<Trigger> {
    const before = this.records.triggers.find((t) => t.id === trigger.id);
    const now = this.#p.clock.now();
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
    if (source) await this.#p.store.putSource(source);
    await this.#p.store.putTrigger(next);
    // What went wrong before the change may no longer hold; the scheduler says again if it does.
    this.clearProblems(next.id);
    await this.#changed();
    return next;
  }

  async setActivated(id: string, activated: boolean): Promise<void> {
    const t = this.records.triggers.find((x) => x.id === id);
    if (!t) throw new DecantError(`scheduler: no trigger with id ${id}`);
    await this.saveTrigger({ ...t, activated });
  }

  async deleteTrigger(id: string): Promise<void> {
    await this.#p.store.deleteTrigger(id);
    await this.#changed();
  }

  /** Forgets the problems reported for a trigger (it was changed or granted access). */
  clearProblems(triggerId: string): void {
    this.problems = this.problems.filter((p) => p.triggerId !== triggerId);
    this.#events.onChange?.();
  }

  /** Fires the trigger now in this tab (Glue's StartTrigger), with `args` for its jobs. */
  async runNow(id: string, args: Record<string, string> = {}) {
    const firing = await this.#scheduler.fireNow(id, args);
    await this.#changed();
    return firing;
  }

  // Workflows

  async saveWorkflow(workflow: SchedulerRecords['workflows'][number]): Promise<void> {
    await this.#p.store.putWorkflow(workflow);
    await this.#changed();
  }

  async deleteWorkflow(name: string): Promise<void> {
    await this.#p.store.deleteWorkflow(name, this.#p.clock.now());
    await this.#changed();
  }

  /** Stops a workflow run: nothing more starts in it, and its running crawlers and jobs stop. */
  async stopWorkflowRun(id: string): Promise<void> {
    await this.#apply(id, { kind: 'stop' });
    this.#launcher.cancelRuns(id);
    this.#p.bus.post({ type: 'stop', workflowRunId: id });
    await this.#changed();
  }

  /**
   * A new run of the workflow that starts again from the nodes that failed in `id`; the nodes that
   * succeeded count as done (their runs satisfy the conditions after them).
   */
  async resumeWorkflowRun(id: string): Promise<WorkflowRun> {
    const old = await this.#p.store.getWorkflowRun(id);
    if (!old) throw new DecantError(`scheduler: no workflow run ${id}`);
    const { run, start } = resumedWorkflowRun(
      old,
      this.records.triggers,
      newId(this.#p, 'wr'),
      this.#p.clock.now(),
    );
    await this.#p.store.putWorkflowRun(run);
    try {
      for (const action of start) await this.#launcher.launch(action, run.properties, {}, run.id);
    } catch (e) {
      await this.#apply(run.id, { kind: 'start-failed', error: messageOf(e) });
      throw e;
    }
    await this.#changed();
    return run;
  }

  /** A run this tab started has ended: its node, then the leader (here or in another tab). */
  async #finished(outcome: RunOutcome, error?: string): Promise<void> {
    if (outcome.workflowRunId !== undefined)
      await this.#apply(outcome.workflowRunId, {
        kind: 'run-ended',
        outcome,
        ...(error ? { error } : {}),
      });
    this.#p.bus.post({ type: 'run-finished', outcome });
    await this.#handle(outcome);
    await this.#changed();
  }

  /** In the leader: conditions on the run, then whether its workflow run is over; once per run. */
  async #handle(outcome: RunOutcome, first = false): Promise<void> {
    if (this.leader !== 'leader' || !this.#scheduler.running) return;
    first = this.#watch.markHandled(outcome) || first;
    try {
      await this.#scheduler.runFinished(outcome, await this.#watch.recentOutcomes(200, true));
    } catch (e) {
      this.#fail(
        `scheduler: could not look at the conditions after ${outcome.kind} "${outcome.name}" ended: ${messageOf(e)}`,
      );
    }
    if (outcome.workflowRunId !== undefined)
      await this.#apply(outcome.workflowRunId, { kind: 'settle' });
    if (first && ENDED_BADLY.has(outcome.state) && this.#watch.markNotified(outcome.runId))
      this.#events.onFailedRun?.({ kind: outcome.kind, name: outcome.name, state: outcome.state });
  }

  /** Applies a transition to a stored workflow run in one transaction; never throws. */
  async #apply(id: string, event: WorkflowRunEvent, announce = false): Promise<void> {
    const now = this.#p.clock.now();
    await this.#p.store
      .updateWorkflowRun(id, (r) => nextWorkflowRun(r, event, now))
      .catch(() => undefined);
    if (announce) await this.#changed();
  }

  // The leader

  async #lead(): Promise<void> {
    if (this.#closed) return;
    await this.#p.catalogReady();
    await this.#scheduler.resume();
    // As long as the page lives: leadership ends only with it.
    this.#timer = setInterval(() => void this.pollRuns(), this.#p.pollMs ?? 2_000);
    await this.pollRuns();
    this.#led();
  }

  /**
   * Sweeps the runs whose tab closed and handles the finished runs not handled yet (see RunWatch);
   * one look at a time. Never throws: a failed look is shown, and the next one tries again.
   */
  pollRuns(): Promise<void> {
    if (this.leader !== 'leader' || this.#closed) return Promise.resolve();
    this.#polling ??= this.#pollOnce().finally(() => (this.#polling = null));
    return this.#polling;
  }

  async #pollOnce(): Promise<void> {
    let look;
    try {
      look = await this.#watch.look();
    } catch (e) {
      this.#fail(`scheduler: cannot look at the runs: ${messageOf(e)}`);
      return;
    }
    for (const o of look.fresh) {
      if (o.workflowRunId !== undefined)
        await this.#apply(o.workflowRunId, { kind: 'run-ended', outcome: o });
      await this.#handle(o, true);
    }
    if (look.fresh.length > 0 || look.swept > 0) await this.#changed();
  }

  // Tabs

  async #receive(message: SchedulerMessage): Promise<void> {
    switch (message.type) {
      case 'changed':
        await this.reload().catch((e: unknown) =>
          this.#fail(`scheduler: cannot read the schedule again: ${messageOf(e)}`),
        );
        break;
      case 'run-finished':
        await this.#handle(message.outcome);
        break;
      case 'problem':
        this.#addProblem(message.problem);
        break;
      case 'stop':
        this.#launcher.cancelRuns(message.workflowRunId);
        break;
    }
  }

  #addProblem(problem: TriggerProblem): void {
    this.problems = [problem, ...this.problems].slice(0, 100);
    this.#events.onChange?.();
  }

  #setLeader(state: LeaderState | 'unsupported'): void {
    this.leader = state;
    this.#events.onChange?.();
  }

  #fail(message: string): void {
    this.error = message;
    this.#events.onChange?.();
  }

  /** Tells the other tabs and reads again; never throws (a failed read is shown). */
  async #changed(): Promise<void> {
    this.#p.bus.post({ type: 'changed' });
    await this.reload().catch((e: unknown) =>
      this.#fail(`scheduler: cannot read the schedule again: ${messageOf(e)}`),
    );
  }
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

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
