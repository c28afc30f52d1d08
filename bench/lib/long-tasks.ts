// Main-thread long tasks (over 50 ms) as the page's own PerformanceObserver sees them, with the
// scripts the browser blames for the long animation frames they fell in (what to fix).
import type { Page } from 'playwright-core';

export interface LongTasks {
  count: number;
  /** The longest task, ms (0 when there was none). */
  longestMs: number;
  /** The longest scripts of long animation frames: "invoker (source:char) 123 ms". */
  culprits?: string[];
}

interface Culprit {
  what: string;
  ms: number;
}

declare global {
  interface Window {
    __decantLongTasks?: number[];
    __decantCulprits?: Culprit[];
  }
}

/**
 * Starts recording before any of the page's scripts run (an init script is the browser's, not the
 * page's: the CSP does not apply to it). Call before the page's first navigation.
 */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__decantLongTasks = [];
    window.__decantCulprits = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__decantLongTasks?.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
    // Long animation frames name the scripts that ran in them (Chromium 123+).
    if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame'))
      new PerformanceObserver((list) => {
        for (const frame of list.getEntries() as unknown as {
          scripts: {
            duration: number;
            invoker: string;
            sourceURL: string;
            sourceCharPosition: number;
          }[];
        }[])
          for (const s of frame.scripts) {
            if (s.duration < 30) continue;
            const file = s.sourceURL.split('/').pop();
            const what = `${s.invoker} (${file}:${s.sourceCharPosition})`;
            window.__decantCulprits?.push({ what, ms: s.duration });
          }
      }).observe({ type: 'long-animation-frame', buffered: true });
  });
}

/** The long tasks recorded since the last call (or since the page loaded), then forgets them. */
export async function takeLongTasks(page: Page): Promise<LongTasks> {
  // A task that just ended is reported a little later: let the observer catch up.
  await page.waitForTimeout(200);
  const { durations, culprits } = await page.evaluate(() => ({
    durations: window.__decantLongTasks?.splice(0) ?? [],
    culprits: window.__decantCulprits?.splice(0) ?? [],
  }));
  const top = culprits
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5)
    .map((c) => `${c.what} ${Math.round(c.ms)} ms`);
  return { count: durations.length, longestMs: Math.max(0, ...durations), culprits: top };
}
