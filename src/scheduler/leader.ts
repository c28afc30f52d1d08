/**
 * Exactly one scheduler among the app's tabs: the tab holding an exclusive Web Lock is the leader,
 * for as long as it lives. The others wait in the lock's queue; when the leader's tab closes (or it
 * resigns) the browser releases its lock and grants it to the next tab in line.
 *
 * Written against `LockManagerLike`, which `navigator.locks` satisfies, so tests can supply an
 * in-memory manager with the same semantics.
 */

export interface LockLike {
  readonly name: string;
  readonly mode: 'exclusive' | 'shared';
}

export interface LockRequestOptions {
  /** Default 'exclusive'. */
  mode?: 'exclusive' | 'shared';
  /** Grant now or call back with null, never queue. */
  ifAvailable?: boolean;
  steal?: boolean;
  /** Aborting withdraws a request still in the queue; it rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * The part of the Web Locks API's LockManager the election uses. The lock is held until the
 * promise the callback returns settles; `request` resolves with the callback's result after that.
 */
export interface LockManagerLike {
  request<T>(
    name: string,
    options: LockRequestOptions,
    callback: (lock: LockLike | null) => T,
  ): Promise<T>;
}

/** `probing`: asking whether the lock is free; `follower`: queued behind another tab. */
export type LeaderState = 'probing' | 'follower' | 'leader' | 'resigned' | 'failed';

export interface LeaderElection {
  readonly state: LeaderState;
  /** Why the election failed (`state` 'failed'): the lock manager refused, e.g. no secure context. */
  readonly error: unknown;
  /** Resolves when this tab becomes the leader; never, if it resigns or fails first. */
  readonly leadership: Promise<void>;
  /** Gives up the lock, or the place in its queue; resolves once the lock is let go. */
  resign(): Promise<void>;
}

export interface ElectionEvents {
  /** Called on every change of state, after `state` has changed. */
  onChange?: (state: LeaderState) => void;
}

/** The lock name the scheduler's election uses. */
export const SCHEDULER_LOCK = 'decant-scheduler-leader';

/**
 * Starts this tab's election: an `ifAvailable` probe says at once whether another tab leads; if one
 * does, this tab queues for the lock and becomes leader when it is released.
 */
export function electLeader(
  locks: LockManagerLike,
  name = SCHEDULER_LOCK,
  events: ElectionEvents = {},
): LeaderElection {
  return new Election(locks, name, events);
}

class Election implements LeaderElection {
  state: LeaderState = 'probing';
  error: unknown = undefined;
  readonly leadership: Promise<void>;
  #becameLeader!: () => void;
  #letGo: (() => void) | undefined;
  #released: Promise<unknown> = Promise.resolve();
  readonly #queue = new AbortController();

  constructor(
    locks: LockManagerLike,
    name: string,
    private readonly events: ElectionEvents,
  ) {
    this.leadership = new Promise((resolve) => (this.#becameLeader = resolve));
    const hold = (lock: LockLike | null): Promise<void> | undefined => {
      if (!lock || this.state === 'resigned') return undefined;
      this.#set('leader');
      this.#becameLeader();
      return new Promise((resolve) => (this.#letGo = resolve));
    };
    this.#released = locks
      .request(name, { mode: 'exclusive', ifAvailable: true }, (lock) => {
        if (lock || this.state === 'resigned') return hold(lock);
        this.#set('follower');
        this.#released = locks
          .request(name, { mode: 'exclusive', signal: this.#queue.signal }, hold)
          .catch((e: unknown) => this.#fail(e));
        return undefined;
      })
      .catch((e: unknown) => this.#fail(e));
  }

  async resign(): Promise<void> {
    if (this.state === 'resigned' || this.state === 'failed') return;
    this.#set('resigned');
    this.#queue.abort(new DOMException('resigned', 'AbortError'));
    this.#letGo?.();
    await this.#released;
  }

  #fail(e: unknown): void {
    if (this.state === 'resigned') return; // the abort of our own queued request
    this.error = e;
    this.#set('failed');
  }

  #set(state: LeaderState): void {
    this.state = state;
    this.events.onChange?.(state);
  }
}
