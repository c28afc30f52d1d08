import { describe, expect, it } from 'vitest';
import { openApp } from './app-page';

interface Fetched {
  /** The file name, e.g. `parquet.worker-abc.js`. */
  file: string;
  /** ms after the page's navigation start. */
  start: number;
}

describe('The engine start on a first visit', () => {
  it('fetches nothing of the encoder before DuckDB is ready, and the engine wasm once', async () => {
    const app = await openApp();
    try {
      const { page, consoleErrors } = app;
      await page.waitForFunction(() => performance.getEntriesByName('decant-engine-ready').length);
      const ready = await page.evaluate(
        () => performance.getEntriesByName('decant-engine-ready')[0]!.startTime,
      );
      // The page's fetches, and each worker's (on the page's clock).
      const origin = await page.evaluate(() => performance.timeOrigin);
      const resources = async (ev: <T>(f: () => T) => Promise<T>): Promise<Fetched[]> => {
        const { timeOrigin, entries } = await ev(() => ({
          timeOrigin: performance.timeOrigin,
          entries: performance
            .getEntriesByType('resource')
            .map((e) => ({ name: e.name, start: e.startTime })),
        }));
        return entries.map((e) => ({
          file: new URL(e.name).pathname.split('/').pop()!,
          start: e.start + timeOrigin - origin,
        }));
      };
      const fetched = [
        ...(await resources((f) => page.evaluate(f))),
        ...(await Promise.all(page.workers().map((w) => resources((f) => w.evaluate(f))))).flat(),
      ];
      const beforeReady = fetched.filter((r) => r.start < ready).map((r) => r.file);
      // The engine's own wasm is among them (not vacuous), fetched once.
      expect(beforeReady.filter((f) => /^duckdb-eh-.*\.wasm$/.test(f))).toHaveLength(1);
      // The encoder starts once DuckDB is up: its script and its 4.9 MB wasm compete with
      // DuckDB's start for two cores and are needed only by a conversion.
      expect(beforeReady.filter((f) => /^parquet[._]/.test(f))).toEqual([]);
      // …and it does start then.
      await expect
        .poll(async () => (await resources((f) => page.evaluate(f))).map((r) => r.file).join(' '))
        .toMatch(/parquet\.worker-/);
      // The wasm was fetched once in all: the worker's early fetch is the one DuckDB compiles.
      expect(fetched.filter((r) => /^duckdb-eh-.*\.wasm$/.test(r.file))).toHaveLength(1);
      expect(consoleErrors).toEqual([]);
    } finally {
      await app.browser.close();
    }
  });
});
