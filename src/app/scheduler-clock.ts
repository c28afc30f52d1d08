/**
 * The scheduler's clock: the wall clock, or — only when the page's address carries the test hook
 * `?clock=<anchor ms>x<speed>` — a clock that runs `speed` times faster from `anchor`, the same in
 * every tab opened with the same hook, so end-to-end tests see a day of schedules in minutes.
 * Without the hook (normal use) nothing here changes time.
 */
import type { SchedulerClock } from '../scheduler';

export interface AppClock extends SchedulerClock {
  /** The scheduler's time for a wall-clock instant (a run's `endedAt`, a file's `lastModified`). */
  fromWall(t: number): number;
  /** Whether the test hook set this clock. */
  readonly accelerated: boolean;
}

export const wallClock: AppClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  fromWall: (t) => t,
  accelerated: false,
};

/** The clock the address asks for (see above); the wall clock for any other address. */
export function clockFromSearch(search: string): AppClock {
  const hook = new URLSearchParams(search).get('clock');
  const m = hook === null ? null : /^(\d{10,16})x(\d{1,4})$/.exec(hook);
  if (!m) return wallClock;
  const anchor = Number(m[1]);
  const speed = Number(m[2]);
  if (!(speed >= 1)) return wallClock;
  const fromWall = (t: number) => anchor + (t - anchor) * speed;
  return {
    now: () => fromWall(Date.now()),
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, Math.ceil(ms / speed)),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    fromWall,
    accelerated: true,
  };
}
