// `npm run bench` (part): how soon the engine is ready, on a first visit and on a later one, beside
// a bare DuckDB-WASM `eh` page in the same browser and the same run; and the main thread's long
// tasks (PerformanceObserver 'longtask') from navigation to engine ready. Prints a table, writes
// bench/out/engine-start.json and its figures for `npm run bench`. Never asserts a time.
//
// A "visit" is a browser launched on a profile directory: the first on an empty one, the later
// one on the same directory after the browser was closed (what it kept on disk is what a user's
// browser keeps: HTTP cache, code cache, the service worker and its cache).
//
// Environment: BENCH_RUNS (default 3), BENCH_SKIP_BUILD=1.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../test/support/chromium';
import { serveStatic } from '../test/support/static-server';
import { OUT, ROOT } from './lib/app-page';
import { writeBareDuckDbPage } from './lib/bare-duckdb';
import { writeFigures, type Figure } from './lib/figures';
import { buildApp } from './lib/in-tab';
import { recordLongTasks, takeLongTasks, type LongTasks } from './lib/long-tasks';
import { count, series, type Series } from './lib/stats';

const READY_MS = 120_000;
/** Idle time after a first visit, so the browser finishes writing its caches before closing. */
const SETTLE_MS = 5_000;
const log = (msg: string) => console.log(`[bench] ${msg}`);

function positiveIntFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

interface Target {
  name: string;
  url: string;
  /** Waits for the engine and returns its ready time, ms after navigation start. */
  ready(page: Page): Promise<number>;
  /** After a first visit: what must be in place before the browser closes. */
  settle(page: Page): Promise<void>;
}

const markTime = (page: Page, mark: string) =>
  page
    .waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, { timeout: READY_MS })
    .then(() => page.evaluate((m) => performance.getEntriesByName(m)[0]!.startTime, mark));

async function visit(executablePath: string, profile: string, target: Target, first: boolean) {
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await recordLongTasks(page);
    await page.goto(target.url);
    const ms = await target.ready(page);
    const longTasks = await takeLongTasks(page);
    const phases = await workerPhases(page);
    if (phases) log(`  ${first ? 'first' : 'later'} visit, engine worker: ${phases}`);
    if (first) await target.settle(page);
    return { ms, longTasks };
  } finally {
    await context.close();
  }
}

/**
 * Where the app's engine start went, from the marks its engine worker sets (browser-engine.ts),
 * in ms after navigation: e.g. "created 310, compiled 1290, instantiated 2250, opened 2450".
 * Null for a page without them (the bare one).
 */
async function workerPhases(page: Page): Promise<string | null> {
  const pageOrigin = await page.evaluate(() => performance.timeOrigin);
  for (const w of page.workers()) {
    const { origin, marks } = await w.evaluate(() => ({
      origin: performance.timeOrigin,
      marks: performance
        .getEntriesByType('mark')
        .map((m) => [m.name, m.startTime] as [string, number]),
    }));
    const duck = marks.filter(([name]) => name.startsWith('decant-duckdb-'));
    if (duck.length === 0) continue;
    return duck
      .map(
        ([name, t]) =>
          `${name.slice('decant-duckdb-'.length)} ${Math.round(t + origin - pageOrigin)}`,
      )
      .join(', ');
  }
  return null;
}

interface StartResult {
  first: Series;
  later: Series;
  /** Main-thread long tasks from navigation to engine ready, each visit (first, later, …). */
  longTasks: LongTasks[];
}

async function engineStart(executablePath: string, targets: Target[], runs: number) {
  const results = new Map<string, { first: number[]; later: number[]; longTasks: LongTasks[] }>();
  for (const t of targets) results.set(t.name, { first: [], later: [], longTasks: [] });
  for (let run = 1; run <= runs; run++) {
    // Side by side: each run visits every target, first then later, before the next run.
    for (const t of targets) {
      const profile = await mkdtemp(join(tmpdir(), 'decant-bench-profile-'));
      try {
        const first = await visit(executablePath, profile, t, true);
        const later = await visit(executablePath, profile, t, false);
        const r = results.get(t.name)!;
        r.first.push(first.ms);
        r.later.push(later.ms);
        r.longTasks.push(first.longTasks, later.longTasks);
        log(`run ${run} ${t.name}: first visit ${ms(first.ms)}, later visit ${ms(later.ms)}`);
      } finally {
        await rm(profile, { recursive: true, force: true });
      }
    }
  }
  return Object.fromEntries(
    [...results].map(([name, r]) => [
      name,
      { first: series(r.first), later: series(r.later), longTasks: r.longTasks },
    ]),
  ) as Record<string, StartResult>;
}

const ms = (v: number) => `${(v / 1000).toFixed(2)} s`;
const runsOf = (s: Series) => s.runs.map((v) => (v / 1000).toFixed(2)).join(' / ');
const spread = (s: Series) => `${ms(Math.min(...s.runs))}–${ms(Math.max(...s.runs))}`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
/** Ratios of the runs paired by run (same run, side by side): their range. */
function ratioSpread(a: Series, b: Series): string {
  const r = a.runs.map((v, i) => v / b.runs[i]!);
  return `${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}×`;
}
/** The visits' long tasks: the most any visit had, and the longest of all. */
const worst = (ts: LongTasks[]) =>
  `up to ${count(Math.max(0, ...ts.map((t) => t.count)))} tasks over 50 ms a visit, ` +
  `longest ${Math.round(Math.max(0, ...ts.map((t) => t.longestMs)))} ms`;

function startFigures(start: Record<string, StartResult>): Figure[] {
  const app = start.decant!;
  const bare = start.bare!;
  return [
    {
      section: 'start',
      label: 'engine ready, first visit',
      unit: 'ms',
      runs: app.first.runs,
      anchors: [{ label: 'bare DuckDB-WASM eh', runs: bare.first.runs }],
      target: '≤ 1.05× bare',
    },
    {
      section: 'start',
      label: 'engine ready, later visit',
      unit: 'ms',
      runs: app.later.runs,
      anchors: [{ label: 'bare DuckDB-WASM eh (later)', runs: bare.later.runs }],
      target: '≤ 0.5× bare',
    },
    {
      section: 'main thread',
      label: 'long tasks, navigation → engine ready',
      unit: 'longtask',
      runs: app.longTasks.map((t) => t.longestMs),
      counts: app.longTasks.map((t) => t.count),
      culprits: app.longTasks.at(-1)?.culprits,
      target: 'none over 50 ms',
    },
  ];
}

function report(start: Record<string, StartResult>, runs: number) {
  const app = start.decant!;
  const bare = start.bare!;
  const rowsOut: [string, string, string][] = [
    ['engine ready, first visit: Decant', ms(app.first.median), `runs ${runsOf(app.first)}`],
    ['engine ready, first visit: bare eh', ms(bare.first.median), `runs ${runsOf(bare.first)}`],
    [
      '  ratio Decant / bare, first visit',
      ratio(app.first.median, bare.first.median),
      `per run ${ratioSpread(app.first, bare.first)}`,
    ],
    ['engine ready, later visit: Decant', ms(app.later.median), `runs ${runsOf(app.later)}`],
    ['engine ready, later visit: bare eh', ms(bare.later.median), `runs ${runsOf(bare.later)}`],
    [
      '  ratio Decant later / bare later',
      ratio(app.later.median, bare.later.median),
      `per run ${ratioSpread(app.later, bare.later)}`,
    ],
    [
      '  ratio Decant later / Decant first',
      ratio(app.later.median, app.first.median),
      `spread later ${spread(app.later)}, first ${spread(app.first)}`,
    ],
    ['long tasks, navigation → engine ready (Decant)', '', worst(app.longTasks)],
  ];
  const w0 = Math.max(...rowsOut.map((r) => r[0].length));
  const w1 = Math.max(...rowsOut.map((r) => r[1].length));
  const lines = rowsOut.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`.trimEnd());
  return [
    `Decant engine start (ms after navigation start to DuckDB ready), median of ${runs}`,
    ...lines,
  ].join('\n');
}

async function main(): Promise<void> {
  const runs = positiveIntFromEnv('BENCH_RUNS', 3);
  const dist = join(OUT, 'dist');
  if (process.env.BENCH_SKIP_BUILD !== '1') {
    log('building the app');
    await buildApp(ROOT, dist);
  }
  const bareDir = join(OUT, 'bare-duckdb');
  await writeBareDuckDbPage(ROOT, bareDir);
  // Both served alike, as a real host serves (each file streamed as it is read, no compression):
  // read whole before sending, the 34 MB wasm's first byte waited for every file read beside it,
  // which held back the page that fetches more at start (the app) by a few hundred ms under load.
  const appServer = await serveStatic(dist, { stream: true });
  const bareServer = await serveStatic(bareDir, { stream: true });
  const executablePath = await findChromium();
  try {
    const targets: Target[] = [
      {
        name: 'bare',
        url: `${bareServer.url}/`,
        ready: (page) => markTime(page, 'bare-engine-ready'),
        settle: (page) => page.waitForTimeout(SETTLE_MS),
      },
      {
        name: 'decant',
        url: `${appServer.url}/`,
        ready: (page) => markTime(page, 'decant-engine-ready'),
        // The service worker installs once the engine started; a later visit is one it serves.
        settle: async (page) => {
          await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
            timeout: READY_MS,
          });
          await page.waitForTimeout(SETTLE_MS);
        },
      },
    ];
    const start = await engineStart(executablePath, targets, runs);
    await writeFile(
      join(OUT, 'engine-start.json'),
      JSON.stringify({ date: new Date().toISOString(), runs, start }, null, 2) + '\n',
    );
    await writeFigures(OUT, 'engine-start', startFigures(start));
    console.log('\n' + report(start, runs) + '\n');
  } finally {
    appServer.server.close();
    bareServer.server.close();
  }
}

main().catch((err: unknown) => {
  console.error('\n[bench] FAILED:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
