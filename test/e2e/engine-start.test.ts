import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page, type Worker } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { CHROMIUM_ARGS } from '../support/chromium';

// The directory global-setup.ts built the app into.
const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = process.env.DECANT_E2E_OUT ?? join(root, 'dist');

interface Fetched {
  /** The file name, e.g. `parquet.worker-abc.js`. */
  file: string;
  /** ms after the page's navigation start. */
  start: number;
}

/** What `on` (the page or one of its workers) fetched, on the page's clock. */
async function fetchedBy(on: Page | Worker, pageOrigin: number): Promise<Fetched[]> {
  const read = () => ({
    origin: performance.timeOrigin,
    entries: performance
      .getEntriesByType('resource')
      .map((e) => ({ name: e.name, start: e.startTime })),
  });
  const { origin, entries } = 'goto' in on ? await on.evaluate(read) : await on.evaluate(read);
  return entries.map((e) => ({
    file: new URL(e.name).pathname.split('/').pop()!,
    start: e.start + origin - pageOrigin,
  }));
}

/** The engine worker's mark `name`, ms after the page's navigation start. */
async function engineMark(page: Page, name: string): Promise<{ worker: Worker; at: number }> {
  const pageOrigin = await page.evaluate(() => performance.timeOrigin);
  for (const worker of page.workers()) {
    const at = await worker.evaluate(
      (n) => (performance.getEntriesByName(n)[0]?.startTime ?? NaN) + performance.timeOrigin,
      name,
    );
    if (!Number.isNaN(at)) return { worker, at: at - pageOrigin };
  }
  throw new Error(`no worker set the mark ${name}`);
}

const EH_WASM = /\/duckdb-eh-[^/]*\.wasm$/;

describe('The engine start on a first visit', () => {
  it('compiles the wasm beside the engine worker, fetched once, and leaves the encoder for later', async () => {
    const browser = await chromium.launch({
      executablePath: inject('chromiumPath'),
      args: CHROMIUM_ARGS,
    });
    try {
      const context = await browser.newContext();
      const wasmRequests: string[] = [];
      context.on('request', (r) => {
        if (EH_WASM.test(r.url())) wasmRequests.push(r.url());
      });
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      await page.goto(inject('appUrl'));
      await page.waitForFunction(
        () => performance.getEntriesByName('decant-engine-ready').length > 0,
        null,
        { timeout: 60_000 },
      );
      const pageOrigin = await page.evaluate(() => performance.timeOrigin);
      const { worker: engine, at: opened } = await engineMark(page, 'decant-duckdb-opened');

      // DuckDB's 34 MB wasm, fetched once in all, and not by the engine worker: that thread
      // parses 1.5 MB of JS meanwhile, and a streamed compile takes its bytes on the thread that
      // started it (src/engine/engine-wasm.ts).
      expect(wasmRequests).toHaveLength(1);
      expect((await fetchedBy(engine, pageOrigin)).map((r) => r.file)).not.toContainEqual(
        expect.stringMatching(/^duckdb-eh-.*\.wasm$/),
      );

      // The encoder starts once DuckDB is up: its script and its 4.9 MB wasm would compete with
      // DuckDB's start for two cores, and only a conversion needs them.
      const fetched = async () =>
        (
          await Promise.all([page, ...page.workers()].map((on) => fetchedBy(on, pageOrigin)))
        ).flat();
      const encoder = (fs: Fetched[]) => fs.filter((r) => /^parquet[._]/.test(r.file));
      expect(encoder((await fetched()).filter((r) => r.start < opened))).toEqual([]);
      // …and it does start then.
      await expect.poll(async () => encoder(await fetched()).length).toBeGreaterThan(0);
      expect(consoleErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('The engine worker as built', () => {
  it('is one file: nothing it imports waits until its 1.5 MB are parsed', () => {
    const assets = join(dist, 'assets');
    const entry = readdirSync(assets).find((f) => /^engine\.worker-.*\.js$/.test(f));
    expect(entry, 'the build has an engine worker').toBeDefined();
    const code = readFileSync(join(assets, entry!), 'utf8');
    // Not vacuous: it is DuckDB's engine itself, not a stub that loads it.
    expect(code.length).toBeGreaterThan(1_000_000);
    expect(code.match(/\bimport\s*\(|\bfrom\s*["'`]\.|^import\s*["'`]/gm) ?? []).toEqual([]);
  });
});
