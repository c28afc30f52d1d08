// Main-thread long tasks (over 50 ms) as the page's own PerformanceObserver sees them.
import type { Page } from 'playwright-core';

export interface LongTasks {
  count: number;
  /** The longest task, ms (0 when there was none). */
  longestMs: number;
}

declare global {
  interface Window {
    __decantLongTasks?: number[];
  }
}

/**
 * Starts recording before any of the page's scripts run (an init script is the browser's, not the
 * page's: the CSP does not apply to it). Call before the page's first navigation.
 */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__decantLongTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__decantLongTasks?.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** The long tasks recorded since the last call (or since the page loaded), then forgets them. */
export async function takeLongTasks(page: Page): Promise<LongTasks> {
  // A task that just ended is reported a little later: let the observer catch up.
  await page.waitForTimeout(200);
  const durations = await page.evaluate(() => window.__decantLongTasks?.splice(0) ?? []);
  return { count: durations.length, longestMs: Math.max(0, ...durations) };
}
