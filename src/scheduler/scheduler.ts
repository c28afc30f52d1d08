/**
 * The scheduler the leader tab runs: it watches the active triggers, works out the next moment
 * something is due (a scheduled time, an EVENT poll, a batch window), sleeps until then on the
 * injected clock, and fires what is due through the injected `start`. Every firing is first added
 * to the record store under a unique key — trigger + scheduled time, + the runs of a condition, +
 * the files of a batch — and only the caller whose add succeeded starts anything, so two schedulers
 * racing (a hand-over, two tabs before the lock settles) still fire each occasion once.
 *
 * I/O is injected: the clock, the firing store, `start`, and the EVENT sources' listings and state.
 * Over 400 lines on purpose: the wake-up loop and the exactly-once rules it relies on are one
 * piece of reasoning.
 */
import { DecantError } from '../core/errors';
import { conditionFiring, watches } from './conditions';
import { fireTimesAfter, parseSchedule, type Schedule } from './cron';
import {
  applyPoll,
  batchDeadline,
  dueBatches,
  emptyWatchState,
  type EventBatch,
  type EventWatchState,
} from './event-batching';
import { DEFAULT_GRACE_MS, planMissedRuns } from './missed-runs';
import { MIN_POLL_SECONDS } from './validate';
import type {
  EventTrigger,
  FiringReason,
  ListedFile,
  RunOutcome,
  ScheduledTrigger,
  StartedRun,
  Trigger,
  TriggerFiring,
} from './model';

export interface SchedulerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Where firings are recorded (IndexedDB store `triggerFirings`, keyPath `key`). */
export interface FiringStore {
  /**
   * Adds the firing unless one with its key exists; true when this call added it. Must be atomic
   * across tabs: IndexedDB's `add()` in a readwrite transaction, a ConstraintError meaning false.
   */
  putIfAbsent(firing: TriggerFiring): Promise<boolean>;
  /** Replaces the firing with the same key (its outcome, once `start` has answered). */
  put(firing: TriggerFiring): Promise<void>;
  /** The newest `scheduledFor` of the trigger's schedule firings and skips; undefined: none yet. */
  lastScheduledFor(triggerId: string): Promise<number | undefined>;
}

/**
 * Starts a trigger's actions; resolves with the runs started as soon as they are started (not when
 * they end: the scheduler waits for it before going on), throws a DecantError saying why not.
 * `context.key` names the firing; `context.workflowRunId` is set for a condition inside a workflow
 * run (a workflow's start trigger gets none: starting it starts a new workflow run).
 */
export type StartActions = (
  trigger: Trigger,
  why: FiringReason,
  context: { key: string; workflowRunId?: string },
) => Promise<StartedRun[]>;

/** What EVENT triggers need from the app. */
export interface EventSources {
  /** Lists the watched source; throws a DecantError saying why it cannot (permission, expired URL). */
  list(trigger: EventTrigger): Promise<ListedFile[]>;
  load(triggerId: string): Promise<EventWatchState | undefined>;
  save(triggerId: string, state: EventWatchState): Promise<void>;
}

/** A trigger that could not be looked at or fired, and why. */
export interface TriggerProblem {
  triggerId: string;
  triggerName: string;
  at: number;
  message: string;
}

export interface SchedulerOptions {
  clock: SchedulerClock;
  store: FiringStore;
  start: StartActions;
  /** Needed for EVENT triggers; without it they report a problem. */
  sources?: EventSources;
  /** Finished runs known now, to catch up CONDITIONAL triggers when this tab becomes leader. */
  recentRuns?: () => Promise<RunOutcome[]>;
  /** Default DEFAULT_GRACE_MS. */
  graceMs?: number;
  /** The longest sleep between checks, so a changed wall clock is noticed; default one hour. */
  maxSleepMs?: number;
  /** Each firing or skip, once its outcome is recorded. */
  onFiring?: (firing: TriggerFiring) => void;
  onProblem?: (problem: TriggerProblem) => void;
  /** A fresh id for on-demand firings; default crypto.randomUUID. */
  newId?: () => string;
}

interface ScheduledState {
  schedule: Schedule;
  /** Scheduled times up to this instant are handled. */
  cursor: number;
  /** What the state was computed for; a change starts over from the store. */
  signature: string;
}

interface EventState {
  nextPollAt: number;
  watch: EventWatchState;
  signature: string;
}

/** After a store or app failure, the next look at the trigger. */
const RETRY_MS = 60_000;

export class Scheduler {
  readonly #o: SchedulerOptions;
  #triggers: Trigger[] = [];
  #running = false;
  #timer: unknown = undefined;
  #wakeAt: number | undefined;
  #chain: Promise<void> = Promise.resolve();
  readonly #scheduled = new Map<string, ScheduledState>();
  readonly #events = new Map<string, EventState>();
  readonly #reported = new Set<string>();

  constructor(options: SchedulerOptions) {
    this.#o = options;
  }

  get running(): boolean {
    return this.#running;
  }

  /** When the scheduler next wakes up by itself; undefined while paused or with nothing due. */
  get wakeAt(): number | undefined {
    return this.#wakeAt;
  }

  /** Replaces the triggers it watches (all of them; inactive ones are ignored). */
  setTriggers(triggers: readonly Trigger[]): Promise<void> {
    this.#triggers = [...triggers];
    return this.check();
  }

  /** Starts firing (call when this tab becomes leader): catches up missed times, then keeps time. */
  resume(): Promise<void> {
    if (this.#running) return this.#chain;
    this.#running = true;
    const catchUp = this.#o.recentRuns;
    if (catchUp) this.#enqueue(async () => this.#catchUpConditions(await catchUp()));
    return this.check();
  }

  /** Stops firing and forgets timers; what is in flight finishes. */
  pause(): void {
    this.#running = false;
    this.#disarm();
    this.#scheduled.clear();
    this.#events.clear();
  }

  /** Looks at everything now (also on wake-up or when the tab becomes visible). */
  check(): Promise<void> {
    return this.#enqueue(() => this.#tick());
  }

  /** Resolves when the work queued so far is done. */
  idle(): Promise<void> {
    return this.#chain;
  }

  /**
   * Fires a trigger now, whatever its kind and whether leader or not (Glue's StartTrigger); ON_DEMAND
   * triggers fire only like this. Resolves with the recorded firing.
   */
  fireNow(triggerId: string, args: Record<string, string> = {}): Promise<TriggerFiring> {
    const trigger = this.#triggers.find((t) => t.id === triggerId);
    if (!trigger)
      return Promise.reject(new DecantError(`trigger: no trigger with id ${triggerId}`));
    const id = this.#o.newId?.() ?? crypto.randomUUID();
    const why: FiringReason = { kind: 'on-demand', arguments: args };
    return this.#enqueue(async () => {
      const firing = await this.#fire(trigger, why, `${trigger.id}|on-demand|${id}`, this.#now());
      return firing!;
    });
  }

  /**
   * A job or crawler run finished: fires the CONDITIONAL triggers it satisfies (only while
   * running). `runs` are the other recent finished runs. Resolves with the firings made.
   */
  runFinished(run: RunOutcome, runs: readonly RunOutcome[]): Promise<TriggerFiring[]> {
    return this.#enqueue(async () => (this.#running ? this.#conditions(run, runs) : []));
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#chain.then(task);
    this.#chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  #now(): number {
    return this.#o.clock.now();
  }

  async #tick(): Promise<void> {
    this.#disarm();
    if (!this.#running) return;
    const now = this.#now();
    let wake = now + (this.#o.maxSleepMs ?? 3_600_000);
    for (const trigger of this.#triggers) {
      if (!trigger.activated) continue;
      try {
        if (trigger.kind === 'SCHEDULED')
          wake = Math.min(wake, await this.#scheduledTick(trigger, now));
        if (trigger.kind === 'EVENT') wake = Math.min(wake, await this.#eventTick(trigger, now));
      } catch (e) {
        // The store or the app failed under this trigger: say so, and look again in a minute.
        this.#problem(trigger, e, `${now}`);
        wake = Math.min(wake, now + RETRY_MS);
      }
      if (!this.#running) return;
    }
    this.#arm(wake);
  }

  /** Fires or skips what is due for one SCHEDULED trigger; returns when it is next due. */
  async #scheduledTick(trigger: ScheduledTrigger, now: number): Promise<number> {
    const signature = `${trigger.schedule}|${trigger.timeZone}|${trigger.activatedAt}`;
    let state = this.#scheduled.get(trigger.id);
    if (!state || state.signature !== signature) {
      let schedule: Schedule;
      try {
        schedule = parseSchedule(trigger.schedule, trigger.timeZone);
      } catch (e) {
        this.#problem(trigger, e, signature);
        return Infinity;
      }
      const last = await this.#o.store.lastScheduledFor(trigger.id);
      state = { schedule, cursor: Math.max(last ?? -Infinity, trigger.activatedAt), signature };
      this.#scheduled.set(trigger.id, state);
    }
    const plan = planMissedRuns(state.schedule, {
      after: state.cursor,
      now,
      policy: trigger.missedRuns,
      graceMs: this.#o.graceMs ?? DEFAULT_GRACE_MS,
    });
    const newest = plan.skipped.at(-1);
    if (newest !== undefined) {
      const why: FiringReason = {
        kind: 'missed',
        policy: trigger.missedRuns,
        count: plan.skipped.length,
        times: plan.skipped,
        more: plan.moreSkipped,
      };
      await this.#record(trigger, why, scheduleKey(trigger, newest), newest);
    }
    for (const { scheduledFor, late } of plan.fire) {
      if (!this.#running) break;
      const why: FiringReason = { kind: 'schedule', scheduledFor, late };
      await this.#fire(trigger, why, scheduleKey(trigger, scheduledFor), scheduledFor);
    }
    state.cursor = Math.max(state.cursor, now);
    return fireTimesAfter(state.schedule, state.cursor, 1)[0] ?? Infinity;
  }

  /** Polls one EVENT trigger's source when its interval is up, fires due batches; returns when next. */
  async #eventTick(trigger: EventTrigger, now: number): Promise<number> {
    const sources = this.#o.sources;
    const signature = JSON.stringify([trigger.source, trigger.activatedAt]);
    if (!sources) {
      this.#problem(trigger, new DecantError('trigger: this app cannot watch sources'), signature);
      return Infinity;
    }
    let state = this.#events.get(trigger.id);
    if (!state || state.signature !== signature) {
      const saved = await sources.load(trigger.id);
      state = { nextPollAt: now, watch: saved ?? emptyWatchState(), signature };
      this.#events.set(trigger.id, state);
    }
    let batches: EventBatch[];
    let watch: EventWatchState;
    if (now >= state.nextPollAt) {
      state.nextPollAt = now + Math.max(trigger.pollSeconds, MIN_POLL_SECONDS) * 1000;
      let listing: ListedFile[];
      try {
        listing = await sources.list(trigger);
      } catch (e) {
        this.#problem(trigger, e, `${signature}|${now}`);
        return Math.min(state.nextPollAt, batchDeadline(state.watch, trigger.batching) ?? Infinity);
      }
      ({ state: watch, batches } = applyPoll(state.watch, listing, now, trigger.batching));
    } else {
      ({ state: watch, batches } = dueBatches(state.watch, now, trigger.batching));
    }
    for (const batch of batches) {
      const why: FiringReason = { kind: 'event', reason: batch.reason, files: batch.files };
      await this.#fire(trigger, why, `${trigger.id}|files|${batch.key}`, now);
    }
    state.watch = watch;
    await sources.save(trigger.id, watch);
    return Math.min(state.nextPollAt, batchDeadline(watch, trigger.batching) ?? Infinity);
  }

  async #conditions(run: RunOutcome, runs: readonly RunOutcome[]): Promise<TriggerFiring[]> {
    const fired: TriggerFiring[] = [];
    for (const trigger of this.#triggers) {
      if (trigger.kind !== 'CONDITIONAL' || !watches(trigger, run)) continue;
      const found = conditionFiring(trigger, run, runs);
      if (!found) continue;
      const why: FiringReason = {
        kind: 'condition',
        logical: trigger.predicate.logical,
        runs: found.runs,
      };
      const firing = await this.#fire(trigger, why, found.key, run.endedAt, found.workflowRunId);
      if (firing) fired.push(firing);
    }
    return fired;
  }

  /** On becoming leader: each watched job's or crawler's latest run, as if it had just finished. */
  async #catchUpConditions(runs: RunOutcome[]): Promise<void> {
    const latest = new Map<string, RunOutcome>();
    for (const run of runs) {
      const key = `${run.kind}:${run.name}:${run.workflowRunId ?? ''}`;
      const seen = latest.get(key);
      if (!seen || run.endedAt > seen.endedAt) latest.set(key, run);
    }
    const ordered = [...latest.values()].sort((a, b) => a.endedAt - b.endedAt);
    for (const run of ordered) await this.#conditions(run, runs);
  }

  /** Claims the key, then starts; undefined when another scheduler claimed it first. */
  async #fire(
    trigger: Trigger,
    why: FiringReason,
    key: string,
    scheduledFor: number,
    workflowRunId?: string,
  ): Promise<TriggerFiring | undefined> {
    const claimed: TriggerFiring = {
      key,
      triggerId: trigger.id,
      triggerName: trigger.name,
      scheduledFor,
      recordedAt: this.#now(),
      why,
      outcome: 'starting',
      started: [],
      ...(workflowRunId === undefined ? {} : { workflowRunId }),
    };
    if (!(await this.#o.store.putIfAbsent(claimed))) return undefined;
    let firing: TriggerFiring;
    try {
      const started = await this.#o.start(trigger, why, { key, workflowRunId });
      firing = { ...claimed, outcome: 'started', started };
    } catch (e) {
      firing = { ...claimed, outcome: 'failed', error: messageOf(e) };
    }
    await this.#o.store.put(firing);
    this.#o.onFiring?.(firing);
    if (firing.outcome === 'failed') this.#problem(trigger, firing.error, key);
    return firing;
  }

  async #record(
    trigger: Trigger,
    why: FiringReason,
    key: string,
    scheduledFor: number,
  ): Promise<void> {
    const firing: TriggerFiring = {
      key,
      triggerId: trigger.id,
      triggerName: trigger.name,
      scheduledFor,
      recordedAt: this.#now(),
      why,
      outcome: 'skipped',
      started: [],
    };
    if (await this.#o.store.putIfAbsent(firing)) this.#o.onFiring?.(firing);
  }

  /** Reports a problem once per trigger and occasion. */
  #problem(trigger: Trigger, error: unknown, occasion: string): void {
    const id = `${trigger.id}|${occasion}`;
    if (this.#reported.has(id)) return;
    this.#reported.add(id);
    this.#o.onProblem?.({
      triggerId: trigger.id,
      triggerName: trigger.name,
      at: this.#now(),
      message: messageOf(error),
    });
  }

  #arm(at: number): void {
    if (!Number.isFinite(at)) return;
    this.#wakeAt = at;
    this.#timer = this.#o.clock.setTimeout(
      () => void this.check().catch(() => undefined), // #tick reports its own failures
      Math.max(0, at - this.#now()),
    );
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#wakeAt = undefined;
  }
}

/** The key of a SCHEDULED trigger's firing (or skip) for one scheduled time. */
export function scheduleKey(trigger: Pick<Trigger, 'id'>, scheduledFor: number): string {
  return `${trigger.id}@${new Date(scheduledFor).toISOString()}`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
