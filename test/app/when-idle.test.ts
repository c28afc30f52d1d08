import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { whenIdle } from '../../src/app/when-idle';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** Whether `p` has settled after the timers advanced by `ms`. */
async function settledAfter(p: Promise<void>, ms: number): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await vi.advanceTimersByTimeAsync(ms);
  return done;
}

describe('whenIdle', () => {
  it('waits for the quiet period when nothing runs', async () => {
    const idle = whenIdle(() => false, 2_000, 250);
    expect(await settledAfter(idle, 1_750)).toBe(false);
    expect(await settledAfter(idle, 250)).toBe(true);
  });

  it('does not resolve while work runs, and counts the quiet period from when it ended', async () => {
    let busy = true;
    const idle = whenIdle(() => busy, 2_000, 250);
    expect(await settledAfter(idle, 10_000)).toBe(false);
    busy = false;
    expect(await settledAfter(idle, 1_500)).toBe(false);
    // Work again before the quiet period is over: it starts again afterwards.
    busy = true;
    expect(await settledAfter(idle, 500)).toBe(false);
    busy = false;
    expect(await settledAfter(idle, 1_750)).toBe(false);
    expect(await settledAfter(idle, 500)).toBe(true);
  });
});
