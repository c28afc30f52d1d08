// `npx tsx bench/crawl-memory.ts`: where a crawl of one big CSV puts its memory. The orders CSV
// (BENCH_ROWS, default 3,000,000 rows ≈ 275 MB) is crawled in the built app in headless Chromium,
// as bench:share does, in two phases: classify (Run crawler → the plan) and commit (→ written,
// which copies the file into the browser's storage: "Keep copies" is on by default). For each
// phase: the growth of every Chromium process kind's RSS (peak minus the phase's start) and of
// the engine worker's wasm memory (read in the worker: it only grows). BENCH_KEEP_COPIES=0 turns
// the copy off. Playwright's browser.newContext() is off the record, where Chromium keeps the
// origin's private file system (the commit's copy) in the browser process's memory: the commit
// then grows it by about the file's size. BENCH_PROFILE=disk runs in a profile on disk instead,
// as a user's browser is. One run per launch (BENCH_RUNS, default 1, fresh browser each). Measures only.
import { link, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium, type Page, type Worker } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../test/support/chromium';
import { serveStatic } from '../test/support/static-server';
import { OUT, ROOT } from './lib/app-page';
import { ensureCsv } from './lib/csv';
import { buildApp } from './lib/in-tab';
import { rssByKind } from './lib/rss';
import { count, megabytes, seconds, timed } from './lib/stats';

const ROWS = Number((process.env.BENCH_ROWS ?? '3000000').replaceAll('_', ''));
const RUNS = Number(process.env.BENCH_RUNS ?? '1');
const KEEP_COPIES = process.env.BENCH_KEEP_COPIES !== '0';
const DIST = process.env.BENCH_DIST ?? join(OUT, 'dist');
const ON_DISK = process.env.BENCH_PROFILE === 'disk';
const STEP_MS = 30 * 60_000;
const log = (msg: string) => console.log(`[bench:crawl-memory] ${msg}`);

/** The engine worker: the one whose global scope has DuckDB's runtime. */
async function engineWorker(page: Page): Promise<Worker> {
  for (;;) {
    for (const w of page.workers())
      if (await w.evaluate(() => 'DUCKDB_RUNTIME' in globalThis).catch(() => false)) return w;
    await page.waitForTimeout(200);
  }
}

/**
 * Wraps the runtime's readFile (called by DuckDB's wasm with its module) to learn the module,
 * so the wasm memory's size can be read between calls. Bench instrumentation only.
 */
async function watchWasm(w: Worker): Promise<void> {
  await w.evaluate(() => {
    const g = globalThis as unknown as {
      DUCKDB_RUNTIME: { readFile: (mod: unknown, ...rest: unknown[]) => number };
      __benchWasm?: { HEAPU8: Uint8Array };
      __benchReads?: { calls: number; bytes: number; largest: number };
    };
    const rt = g.DUCKDB_RUNTIME;
    const read = rt.readFile.bind(rt);
    const reads = (g.__benchReads = { calls: 0, bytes: 0, largest: 0 });
    rt.readFile = (mod, ...rest) => {
      g.__benchWasm = mod as { HEAPU8: Uint8Array };
      const n = read(mod, ...rest);
      reads.calls++;
      reads.bytes += n;
      reads.largest = Math.max(reads.largest, n);
      return n;
    };
  });
}

const wasmBytes = (w: Worker) =>
  w.evaluate(
    () =>
      (globalThis as unknown as { __benchWasm?: { HEAPU8: Uint8Array } }).__benchWasm?.HEAPU8
        .length ?? 0,
  );

interface Phase {
  ms: number;
  growth: Map<string, number>;
  wasmBefore: number;
  wasmAfter: number;
}

async function phase(w: Worker, fn: () => Promise<void>): Promise<Phase> {
  const base = await rssByKind();
  const peak = new Map(base);
  const wasmBefore = await wasmBytes(w);
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void rssByKind().then((now) => {
      for (const [k, v] of now) peak.set(k, Math.max(peak.get(k) ?? 0, v));
      busy = false;
    });
  }, 200);
  const { ms } = await timed(fn);
  clearInterval(timer);
  for (const [k, v] of await rssByKind()) peak.set(k, Math.max(peak.get(k) ?? 0, v));
  const growth = new Map([...peak].map(([k, v]) => [k, v - (base.get(k) ?? 0)]));
  return { ms, growth, wasmBefore, wasmAfter: await wasmBytes(w) };
}

function describe(name: string, p: Phase): string {
  const kinds = [...p.growth]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} +${megabytes(v)}`)
    .join(', ');
  return (
    `${name}: ${seconds(p.ms)}; RSS growth ${kinds}; engine wasm ` +
    `${megabytes(p.wasmBefore)} → ${megabytes(p.wasmAfter)}`
  );
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const csv = await ensureCsv(OUT, ROWS);
  log(
    `${csv.path}: ${count(ROWS)} rows, ${megabytes(csv.bytes)}; profile ${ON_DISK ? 'on disk' : 'off the record'}`,
  );
  const folder = join(OUT, `crawl-memory-${ROWS}`, 'orders');
  await rm(join(OUT, `crawl-memory-${ROWS}`), { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  await link(csv.path, join(folder, 'orders.csv'));
  if (process.env.BENCH_SKIP_BUILD !== '1') await buildApp(ROOT, DIST);
  const { url, server } = await serveStatic(DIST);
  try {
    for (let run = 1; run <= RUNS; run++) {
      const launch = { executablePath: await findChromium(), args: CHROMIUM_ARGS };
      const profile = join(OUT, `crawl-memory-profile-${run}`);
      await rm(profile, { recursive: true, force: true });
      const context = ON_DISK
        ? await chromium.launchPersistentContext(profile, launch)
        : await (await chromium.launch(launch)).newContext();
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(STEP_MS);
        await page.goto(`${url}/#/crawl`);
        await page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor();
        const worker = await engineWorker(page);
        await watchWasm(worker);
        await page.getByTestId('crawl-folder-input').setInputFiles(folder);
        await page.getByTestId('crawl-found').waitFor();
        await page.getByTestId('crawl-database').fill('bench');
        if (!KEEP_COPIES) await page.getByLabel(/Keep copies/).uncheck();
        const classify = await phase(worker, async () => {
          await page.getByTestId('run-crawl').click();
          await page.getByTestId('commit-crawl').waitFor();
        });
        const commit = await phase(worker, async () => {
          await page.getByTestId('commit-crawl').click();
          await page.getByTestId('crawl-committed').waitFor();
        });
        log(`run ${run}: ${describe('classify', classify)}`);
        log(
          `run ${run}: DuckDB's reads: ${JSON.stringify(await worker.evaluate(() => (globalThis as unknown as { __benchReads: unknown }).__benchReads))}`,
        );
        log(`run ${run}: ${describe('commit', commit)}`);
      } finally {
        await context.close();
        await context.browser()?.close();
        await rm(profile, { recursive: true, force: true });
      }
    }
  } finally {
    server.close();
  }
  log(`load average: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
}

await main();
