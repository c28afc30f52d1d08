/**
 * The Web Locks API for tests in Node: one origin's lock manager shared by several "tabs", following
 * the spec's algorithms (https://w3c.github.io/web-locks/): a request queue per name, grantable
 * only at the head of its queue and without a conflicting held lock, `ifAvailable` answered with
 * null instead of queueing, an abort that withdraws a queued request, a lock held until its
 * callback's promise settles — and a tab that closes releases its locks and drops its requests.
 * `steal` is not implemented and refused.
 */
import type { LockLike, LockManagerLike, LockRequestOptions } from '../../src/scheduler/leader';

interface Request {
  tab: MemoryLocks;
  name: string;
  mode: 'exclusive' | 'shared';
  callback: (lock: LockLike | null) => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Held {
  tab: MemoryLocks;
  lock: LockLike;
}

export interface LockSnapshot {
  held: { name: string; mode: string; tab: string }[];
  pending: { name: string; mode: string; tab: string }[];
}

/** The lock state of one origin; `tab(id)` opens a tab's `navigator.locks`. */
export class MemoryLockOrigin {
  readonly #queues = new Map<string, Request[]>();
  #held: Held[] = [];

  tab(id: string): MemoryLocks {
    return new MemoryLocks(this, id);
  }

  query(): LockSnapshot {
    return {
      held: this.#held.map((h) => ({ name: h.lock.name, mode: h.lock.mode, tab: h.tab.id })),
      pending: [...this.#queues.values()].flat().map((r) => ({
        name: r.name,
        mode: r.mode,
        tab: r.tab.id,
      })),
    };
  }

  /** @internal */
  request(r: Request, ifAvailable: boolean): void {
    if (ifAvailable) {
      if (!this.#grantable(r)) this.#run(r, null);
      else this.#grant(r);
      return;
    }
    const queue = this.#queues.get(r.name) ?? [];
    this.#queues.set(r.name, queue);
    queue.push(r);
    if (r.signal) {
      r.onAbort = () => {
        const i = queue.indexOf(r);
        if (i < 0) return; // already granted: abort has no effect then
        queue.splice(i, 1);
        r.reject(r.signal!.reason);
        this.#process(r.name);
      };
      r.signal.addEventListener('abort', r.onAbort, { once: true });
    }
    this.#process(r.name);
  }

  /** @internal The tab is gone: its held locks are released and its queued requests dropped. */
  close(tab: MemoryLocks): void {
    const names = new Set<string>();
    for (const [name, queue] of this.#queues) {
      const kept = queue.filter((r) => r.tab !== tab);
      if (kept.length !== queue.length) names.add(name);
      queue.splice(0, queue.length, ...kept);
    }
    for (const h of this.#held.filter((h) => h.tab === tab)) names.add(h.lock.name);
    this.#held = this.#held.filter((h) => h.tab !== tab);
    for (const name of names) this.#process(name);
  }

  #grantable(r: Request): boolean {
    const queue = this.#queues.get(r.name) ?? [];
    if (queue.length > 0 && queue[0] !== r) return false;
    const held = this.#held.filter((h) => h.lock.name === r.name);
    if (r.mode === 'exclusive') return held.length === 0;
    return held.every((h) => h.lock.mode === 'shared');
  }

  #process(name: string): void {
    const queue = this.#queues.get(name) ?? [];
    while (queue.length > 0 && this.#grantable(queue[0]!)) {
      const r = queue.shift()!;
      if (r.onAbort) r.signal!.removeEventListener('abort', r.onAbort);
      this.#grant(r);
    }
  }

  #grant(r: Request): void {
    const held: Held = { tab: r.tab, lock: { name: r.name, mode: r.mode } };
    this.#held.push(held);
    this.#run(r, held);
  }

  /** The callback runs in a later microtask, as the spec's lock task queue does. */
  #run(r: Request, held: Held | null): void {
    queueMicrotask(() => {
      if (r.tab.closed) return;
      let result: Promise<unknown>;
      try {
        result = Promise.resolve(r.callback(held ? held.lock : null));
      } catch (e) {
        result = Promise.reject(e);
      }
      result.then(
        (value) => this.#release(held, () => r.resolve(value)),
        (reason: unknown) => this.#release(held, () => r.reject(reason)),
      );
    });
  }

  /**
   * As in the spec (and Chromium), the request settles first; the release and the grants it allows
   * happen in a later task of the lock manager's queue.
   */
  #release(held: Held | null, settle: () => void): void {
    if (!held || !held.tab.closed) settle();
    if (!held) return;
    queueMicrotask(() => {
      if (!this.#held.includes(held)) return; // the tab closed meanwhile: released already
      this.#held = this.#held.filter((h) => h !== held);
      this.#process(held.lock.name);
    });
  }
}

/** One tab's `navigator.locks`. */
export class MemoryLocks implements LockManagerLike {
  closed = false;

  constructor(
    readonly origin: MemoryLockOrigin,
    readonly id: string,
  ) {}

  request<T>(
    name: string,
    options: LockRequestOptions,
    callback: (lock: LockLike | null) => T,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const refuse = (message: string, kind: string) => reject(new DOMException(message, kind));
      if (this.closed) return refuse('the tab is closed', 'InvalidStateError');
      if (name.startsWith('-'))
        return refuse('names starting with "-" are reserved', 'NotSupportedError');
      if (options.steal) return refuse('steal is not implemented here', 'NotSupportedError');
      if (options.signal && options.ifAvailable) {
        return refuse('signal and ifAvailable cannot be combined', 'NotSupportedError');
      }
      if (options.signal?.aborted) return reject(options.signal.reason);
      this.origin.request(
        {
          tab: this,
          name,
          mode: options.mode ?? 'exclusive',
          callback,
          resolve: resolve as (value: unknown) => void,
          reject,
          signal: options.signal,
        },
        options.ifAvailable === true,
      );
    });
  }

  /** `navigator.locks.query()`: what every tab of the origin holds or waits for. */
  query(): Promise<LockSnapshot> {
    return Promise.resolve(this.origin.query());
  }

  /** The tab closes: the browser releases everything it held or waited for. */
  close(): void {
    this.closed = true;
    this.origin.close(this);
  }
}
