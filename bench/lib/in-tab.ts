// The real app, driven through its UI contract in headless Chromium: what a user waits for.
import { spawn } from 'node:child_process';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { KEEP_COPY_LIMIT } from '../../src/app/kept-cards';
import { CHROMIUM_ARGS, findChromium } from '../../test/support/chromium';
import { serveStatic } from '../../test/support/static-server';
import { recordLongTasks, takeLongTasks, type LongTasks } from './long-tasks';
import { chromiumRssTotal, sampleRss } from './rss';
import { series, timed, type Series } from './stats';

const ENGINE_READY_MS = 60_000;
const INSPECT_MS = 180_000;
const CONVERT_MS = 300_000;
/** How often tab memory is sampled while converting (the brief's 200 ms). */
const RSS_INTERVAL_MS = 200;

export interface InTabRun {
  inspectMs: number;
  convertMs: number;
  rssBaseline: number;
  rssPeak: number;
  /** The card's "N rows → … in X s" line, as the user sees it. */
  doneText: string;
  parquetBytes: number;
  /** The page's main-thread tasks over 50 ms from the Convert click to the download. */
  longTasks: LongTasks;
  /**
   * Rows that differ from native DuckDB's output (0: identical values), or why they could not be
   * compared (e.g. a column the app typed differently). Reported, not fatal: the row count is.
   */
  vsNative: number | string;
}

export interface InTabResult {
  chromiumVersion: string;
  runs: InTabRun[];
  inspect: Series;
  convert: Series;
  memoryGrowth: Series;
  /** Console errors, warnings and page errors seen during the runs. */
  console: string[];
}

export interface InTabOptions {
  distDir: string;
  csv: string;
  rows: number;
  runs: number;
  downloadDir: string;
  /** Rows in a Parquet file, read independently of the app (native DuckDB). */
  countRows: (path: string) => Promise<number>;
  /** Rows whose values differ from native DuckDB's output for the same CSV; 0 = identical. */
  differingFromNative: (path: string) => Promise<number>;
  onRun: (run: InTabRun) => void;
}

/**
 * Builds the app into `outDir`. Not `dist/`: e2e tests running at the same time serve `dist/`,
 * and rebuilding it under them would break their page loads.
 */
export async function buildApp(root: string, outDir: string): Promise<void> {
  const args = ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'];
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npx', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`npx ${args.join(' ')} failed (${code}):\n${output.join('')}`);
}

/** Runs the conversion `opts.runs` times, each in a fresh browser context (cold tab, cold engine). */
export async function benchInTab(opts: InTabOptions): Promise<InTabResult> {
  const { url, server } = await serveStatic(opts.distDir);
  const browser = await chromium.launch({
    executablePath: await findChromium(),
    args: CHROMIUM_ARGS,
  });
  const messages: string[] = [];
  try {
    const runs: InTabRun[] = [];
    for (let i = 1; i <= opts.runs; i++) {
      const run = await oneRun(browser, url, opts, i, messages);
      runs.push(run);
      opts.onRun(run);
    }
    return {
      chromiumVersion: browser.version(),
      runs,
      inspect: series(runs.map((r) => r.inspectMs)),
      convert: series(runs.map((r) => r.convertMs)),
      memoryGrowth: series(runs.map((r) => r.rssPeak - r.rssBaseline)),
      console: messages,
    };
  } finally {
    await browser.close();
    server.close();
  }
}

async function oneRun(
  browser: Browser,
  url: string,
  opts: InTabOptions,
  run: number,
  messages: string[],
): Promise<InTabRun> {
  const context = await browser.newContext({ acceptDownloads: true });
  try {
    const page = await context.newPage();
    recordConsole(page, run, messages);
    await recordLongTasks(page);
    await page.goto(url);
    // Engine start-up (2–3 s of wasm instantiation) is not part of either timing.
    await page
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: ENGINE_READY_MS });

    const card = page.getByTestId('file-card');
    const inspect = await timed(async () => {
      await page.getByTestId('file-input').setInputFiles(opts.csv);
      await waitForState(card, ['ready', 'failed'], INSPECT_MS);
    });
    await failIfCardFailed(card, 'inspecting');
    await waitForKeptCopy(page, (await stat(opts.csv)).size);
    // The toolbar appears once a file is added; ZSTD is the default, chosen here to be explicit.
    await page.getByTestId('compression').selectOption('zstd');

    const rssBaseline = await chromiumRssTotal();
    const sampler = sampleRss(RSS_INTERVAL_MS, rssBaseline);
    await takeLongTasks(page);
    const convert = await timed(async () => {
      const download = page.waitForEvent('download', { timeout: CONVERT_MS });
      await card.getByTestId('convert').click();
      return Promise.race([download, rejectWhenCardFails(card)]);
    }).finally(() => sampler.stop());
    const rssPeak = await sampler.stop();
    const longTasks = await takeLongTasks(page);

    const file = join(opts.downloadDir, `in-tab-${Date.now()}-${run}.parquet`);
    await convert.value.saveAs(file);
    const parquetBytes = (await stat(file)).size;
    const rows = await opts.countRows(file);
    const vsNative = await opts.differingFromNative(file).catch((err: Error) => err.message);
    await rm(file, { force: true });
    if (rows !== opts.rows)
      throw new Error(
        `in-tab run ${run}: the downloaded Parquet holds ${rows} rows, the CSV ${opts.rows}`,
      );

    const doneText = ((await card.getByTestId('done').textContent()) ?? '')
      .replace(/\s+/g, ' ')
      .trim();
    return {
      inspectMs: inspect.ms,
      convertMs: convert.ms,
      rssBaseline,
      rssPeak,
      doneText,
      parquetBytes,
      longTasks,
      vsNative,
    };
  } finally {
    await context.close();
  }
}

/**
 * Waits until Quick convert has kept its copy of the dropped file (≤ KEEP_COPY_LIMIT) in the
 * browser's storage: the card is saved once the copy is whole. The copy runs beside the
 * inspection and is no part of the conversion, but when it was still going at the Convert click
 * (46–91 MB of 91 MB written, by run) its chunks passing through the page (+22 MB of the page's
 * ArrayBuffers in one run) and, off the record as here, the copy itself, which Chromium then
 * keeps in the browser process's memory, counted as conversion growth. See
 * bench/convert-memory.ts.
 */
export async function waitForKeptCopy(page: Page, bytes: number): Promise<void> {
  if (bytes > KEEP_COPY_LIMIT) return;
  await page.waitForFunction(
    async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('decant');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      try {
        const range = IDBKeyRange.bound('quick-convert:card:', 'quick-convert:card:\uffff');
        const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
          const r = db.transaction('settings').objectStore('settings').getAllKeys(range);
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        return keys.length > 0;
      } finally {
        db.close();
      }
    },
    undefined,
    { timeout: INSPECT_MS, polling: 250 },
  );
}

function recordConsole(page: Page, run: number, messages: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      messages.push(`run ${run} console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => messages.push(`run ${run} pageerror: ${e.message}`));
}

function waitForState(card: Locator, states: string[], timeout: number): Promise<void> {
  const selector = states.map((s) => `[data-state="${s}"]`).join(', ');
  return card.and(card.page().locator(selector)).waitFor({ timeout });
}

async function failIfCardFailed(card: Locator, phase: string): Promise<void> {
  if ((await card.getAttribute('data-state')) !== 'failed') return;
  const error = await card.getByTestId('error').textContent();
  throw new Error(`the app failed while ${phase}: ${error?.trim()}`);
}

/**
 * Rejects with the app's message as soon as the card turns `failed`, so an app error surfaces at
 * once instead of after the download timeout. Raced against the download: once that wins, this
 * promise's eventual rejection (timeout or closed page) is ignored by the race.
 */
async function rejectWhenCardFails(card: Locator): Promise<never> {
  await waitForState(card, ['failed'], CONVERT_MS);
  await failIfCardFailed(card, 'converting');
  throw new Error('the card turned failed without an error message');
}
