/** A fake clock, an in-memory firing store and trigger builders for the scheduler's tests. */
import type { FiringStore, SchedulerClock } from '../../src/scheduler/scheduler';
import type {
  ConditionalTrigger,
  EventTrigger,
  ScheduledTrigger,
  TriggerFiring,
} from '../../src/scheduler/model';

export const at = (iso: string): number => Date.parse(iso);
export const iso = (times: readonly number[]): string[] =>
  times.map((t) => new Date(t).toISOString());

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/** A clock that only moves when told; timers run in time order as it moves. */
export class FakeClock implements SchedulerClock {
  #timers: Timer[] = [];
  #next = 1;

  constructor(public time: number) {}

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.#next++, at: this.time + Math.max(0, ms), callback };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  get pending(): number {
    return this.#timers.length;
  }

  /**
   * Moves to `until`, stopping at each instant a timer is due to run the timers due then, and then
   * `settle` (to let the async work they started finish before time moves on).
   */
  async advanceTo(until: number, settle: () => Promise<unknown> = async () => {}): Promise<void> {
    await drain();
    await settle();
    for (;;) {
      const first = Math.min(...this.#timers.map((t) => t.at));
      if (!(first <= until)) break;
      // Timers due at the same instant all run before any of their async work: a real race.
      const due = this.#timers.filter((t) => t.at === first).sort((a, b) => a.id - b.id);
      this.#timers = this.#timers.filter((t) => t.at !== first);
      this.time = Math.max(this.time, first);
      for (const timer of due) timer.callback();
      await drain();
      await settle();
    }
    this.time = Math.max(this.time, until);
    await drain();
    await settle();
  }
}

/** Runs every queued microtask, and those they queue (a macrotask comes after all of them). */
export function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The firing store as IndexedDB would behave: `putIfAbsent` is atomic, every call is async. With a
 * seed, each add takes a pseudo-random number of turns, so racing callers finish in mixed order.
 */
export class MemoryFiringStore implements FiringStore {
  readonly firings = new Map<string, TriggerFiring>();
  #seed: number | undefined;

  constructor(seed?: number) {
    this.#seed = seed;
  }

  async putIfAbsent(firing: TriggerFiring): Promise<boolean> {
    await Promise.resolve();
    if (this.#seed !== undefined) {
      this.#seed = (this.#seed * 1103515245 + 12345) % 2 ** 31;
      for (let i = this.#seed % 7; i > 0; i--) await Promise.resolve();
    }
    if (this.firings.has(firing.key)) return false;
    this.firings.set(firing.key, structuredClone(firing));
    return true;
  }

  async put(firing: TriggerFiring): Promise<void> {
    await Promise.resolve();
    this.firings.set(firing.key, structuredClone(firing));
  }

  async lastScheduledFor(triggerId: string): Promise<number | undefined> {
    await Promise.resolve();
    const times = [...this.firings.values()]
      .filter((f) => f.triggerId === triggerId)
      .filter((f) => f.why.kind === 'schedule' || f.why.kind === 'missed')
      .map((f) => f.scheduledFor);
    return times.length ? Math.max(...times) : undefined;
  }

  list(outcome?: TriggerFiring['outcome']): TriggerFiring[] {
    return [...this.firings.values()]
      .filter((f) => outcome === undefined || f.outcome === outcome)
      .sort((a, b) => a.scheduledFor - b.scheduledFor || a.key.localeCompare(b.key));
  }
}

const base = {
  description: '',
  activated: true,
  createdAt: 0,
  updatedAt: 0,
  actions: [{ kind: 'job' as const, jobName: 'nightly', arguments: {} }],
};

export function scheduled(
  id: string,
  schedule: string,
  activatedAt: number,
  more: Partial<ScheduledTrigger> = {},
): ScheduledTrigger {
  return {
    ...base,
    id,
    name: id,
    kind: 'SCHEDULED',
    schedule,
    timeZone: 'UTC',
    missedRuns: 'skip',
    activatedAt,
    ...more,
  };
}

export function conditional(
  id: string,
  predicate: ConditionalTrigger['predicate'],
  actions: ConditionalTrigger['actions'],
  more: Partial<ConditionalTrigger> = {},
): ConditionalTrigger {
  return {
    ...base,
    id,
    name: id,
    kind: 'CONDITIONAL',
    predicate,
    actions,
    activatedAt: 0,
    ...more,
  };
}

export function eventTrigger(
  id: string,
  batching: EventTrigger['batching'],
  more: Partial<EventTrigger> = {},
): EventTrigger {
  return {
    ...base,
    id,
    name: id,
    kind: 'EVENT',
    source: { kind: 'folder', sourceId: 'src-1', label: 'landing/' },
    pollSeconds: 60,
    batching,
    activatedAt: 0,
    ...more,
  };
}
