// `npm run bench:huge` (not in CI, not part of `npm run bench`): a generated CSV of BENCH_HUGE_GB
// gigabytes (default 6, more than the engine's 4 GB wasm memory) converted to Parquet by the app
// in headless Chromium with "Save to" = the browser's storage (OPFS), written as it is encoded.
// Reports the tab's time from the Convert click to "done", the browser's peak memory growth (summed
// RSS of its processes, from /proc), main-thread long tasks, and native DuckDB threads=1 and
// threads=2 on the same file in the same run. The tab's output is read back and checked against
// native DuckDB's reading of the CSV: row count, column sums and a hash over several columns. It
// measures; it fails only when an output is wrong or the tab fails.
//
// The browser runs on a profile on disk (a persistent context): an incognito context keeps OPFS in
// memory, which would count the output file as the tab's memory.
//
// Environment: BENCH_HUGE_GB (default 6; 0.5 or 1 for a quicker look), BENCH_HUGE_DIR (where the
// CSV, outputs and browser profile go; default the system's temp folder; the CSV is kept for the
// next run, the rest removed), BENCH_HUGE_DEST (comma-separated: `opfs` (default) and/or `folder`,
// a stand-in picker answering with an OPFS folder: headless Chromium shows no folder picker, so a
// real folder cannot be picked; the encoder then writes through the same synchronous OPFS handle),
// BENCH_DIST (a built app to serve, else the app is built into bench/out/dist-huge).
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { chromium, type Locator } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../test/support/chromium';
import { serveStatic } from '../test/support/static-server';
import { ensureCsvNative } from './lib/csv-native';
import { buildApp } from './lib/in-tab';
import { recordLongTasks, takeLongTasks, type LongTasks } from './lib/long-tasks';
import { nativeCopy, openNative } from './lib/native';
import { chromiumRssTotal, sampleRss } from './lib/rss';
import { count, megabytes, seconds, timed } from './lib/stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Bytes per row of the orders CSV (91 MB per million rows). */
const BYTES_PER_ROW = 91;
const HOURS = 3600_000;
const log = (msg: string) => console.log(`[convert-huge] ${msg}`);

type Destination = 'opfs' | 'folder';

function gigabytesFromEnv(): number {
  const raw = process.env.BENCH_HUGE_GB ?? '6';
  const gb = Number(raw);
  if (!Number.isFinite(gb) || gb <= 0)
    throw new Error(`BENCH_HUGE_GB must be a positive number, got "${raw}"`);
  return gb;
}

function destinationsFromEnv(): Destination[] {
  const raw = process.env.BENCH_HUGE_DEST ?? 'opfs';
  const dests = raw.split(',').map((s) => s.trim());
  for (const d of dests)
    if (d !== 'opfs' && d !== 'folder')
      throw new Error(`BENCH_HUGE_DEST lists "opfs" and/or "folder", got "${raw}"`);
  return dests as Destination[];
}

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * What two readings of the same rows must agree on, whatever their physical types (DOUBLE or
 * DECIMAL, timestamps in ms or µs): the row count, exact sums (money in cents, so no float
 * summation order creeps in), NULL counts, and a sum of per-row hashes over seven columns.
 */
async function fingerprint(conn: DuckDBConnection, from: string): Promise<Record<string, unknown>> {
  const r = await conn.runAndReadAll(
    `SELECT count(*)::BIGINT AS rows,
       sum(order_id)::HUGEINT AS order_id,
       sum(customer_id)::HUGEINT AS customer_id,
       sum(round(amount * 100))::HUGEINT AS amount_cents,
       sum(round(discount * 1000))::HUGEINT AS discount_milli,
       sum(quantity)::HUGEINT AS quantity,
       count(shipped_at)::BIGINT AS shipped,
       count(coupon)::BIGINT AS coupons,
       sum(is_member::INT)::BIGINT AS members,
       sum(hash(order_id, created_at::TIMESTAMP, shipped_at::TIMESTAMP, country, status,
                channel, coupon)::HUGEINT)::HUGEINT AS row_hash
     FROM ${from}`,
  );
  return r.getRowObjectsJson()[0]!;
}

interface TabRun {
  dest: Destination;
  inspectMs: number;
  convertMs: number;
  rssBaseline: number;
  rssPeak: number;
  longTasks: LongTasks;
  doneText: string;
  savedTo: string;
  outBytes: number;
  check: Record<string, unknown>;
  console: string[];
}

async function waitForState(card: Locator, states: string[], timeout: number): Promise<void> {
  const selector = states.map((s) => `[data-state="${s}"]`).join(', ');
  await card.and(card.page().locator(selector)).waitFor({ timeout });
  if ((await card.getAttribute('data-state')) === 'failed')
    throw new Error(
      `the card failed: ${((await card.getByTestId('error').textContent()) ?? '').trim()}`,
    );
}

/** One cold tab (fresh profile) converting the CSV into `dest`; the output is read back and removed. */
async function convertInTab(
  conn: DuckDBConnection,
  url: string,
  csvPath: string,
  dir: string,
  dest: Destination,
): Promise<TabRun> {
  const profile = await mkdtemp(join(dir, 'profile-'));
  const out = join(dir, `in-tab-${dest}.parquet`);
  const messages: string[] = [];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: await findChromium(),
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        messages.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
    await recordLongTasks(page);
    await page.goto(url);
    await page
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: 180_000 });
    const card = page.getByTestId('file-card');
    const inspect = await timed(async () => {
      await page.getByTestId('file-input').setInputFiles(csvPath);
      await waitForState(card, ['ready', 'failed'], HOURS);
    });
    log(`${dest}: inspected in ${seconds(inspect.ms)}`);
    await page.getByTestId('compression').selectOption('zstd');
    if (dest === 'opfs') await page.getByTestId('destination').selectOption('opfs');
    else {
      // Headless Chromium shows no picker: a stand-in answers with a folder of OPFS.
      await page.evaluate(() => {
        (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker = async () =>
          (await navigator.storage.getDirectory()).getDirectoryHandle('picked', { create: true });
      });
      await page.getByTestId('pick-folder').click();
      await page.waitForFunction(
        () =>
          document.querySelector<HTMLSelectElement>('[data-testid=destination]')?.value ===
          'folder',
        null,
        { timeout: 10_000 },
      );
    }

    const rssBaseline = await chromiumRssTotal();
    const sampler = sampleRss(200, rssBaseline);
    await takeLongTasks(page);
    const convert = await timed(async () => {
      await card.getByTestId('convert').click();
      await waitForState(card, ['done', 'failed'], 6 * HOURS);
    }).finally(() => sampler.stop());
    const rssPeak = await sampler.stop();
    const longTasks = await takeLongTasks(page);
    const doneText = ((await card.getByTestId('done').textContent()) ?? '').replace(/\s+/g, ' ');
    const savedTo = ((await card.getByTestId('saved-to').textContent()) ?? '').trim();
    log(`${dest}: converted in ${seconds(convert.ms)}: ${doneText.trim()} ${savedTo}`);

    // Out of OPFS through the card's download link: the browser streams the file from disk.
    const download = page.waitForEvent('download', { timeout: HOURS });
    await card.getByTestId('download').click();
    await (await download).saveAs(out);
    const outBytes = (await stat(out)).size;
    const check = await fingerprint(conn, `read_parquet(${literal(out)})`);
    return {
      dest,
      inspectMs: inspect.ms,
      convertMs: convert.ms,
      rssBaseline,
      rssPeak,
      longTasks,
      doneText: doneText.trim(),
      savedTo,
      outBytes,
      check,
      console: messages,
    };
  } catch (err) {
    if (messages.length > 0) console.error(messages.join('\n'));
    throw err;
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
    await rm(out, { force: true });
  }
}

async function main(): Promise<void> {
  const gb = gigabytesFromEnv();
  const dests = destinationsFromEnv();
  const rows = Math.round((gb * 1e9) / BYTES_PER_ROW);
  const dir = process.env.BENCH_HUGE_DIR ?? join(tmpdir(), 'decant-bench-huge');
  await mkdir(dir, { recursive: true });
  const conn = await openNative();

  const gen = await timed(() => ensureCsvNative(conn, dir, rows));
  const csv = gen.value;
  log(
    `${csv.reused ? 'reusing' : `generated by native DuckDB in ${seconds(gen.ms)}`} ${csv.path} ` +
      `(${count(rows)} rows, ${megabytes(csv.bytes)})`,
  );

  let distDir = process.env.BENCH_DIST;
  if (!distDir) {
    distDir = join(ROOT, 'bench', 'out', 'dist-huge');
    await buildApp(ROOT, distDir);
  }

  const nativeOut = join(dir, 'native-t1.parquet');
  const tabs: TabRun[] = [];
  const { url, server } = await serveStatic(distDir);
  try {
    const loadAtTab = loadavg().map((l) => l.toFixed(2));
    // The tab first: its hour-scale run is the figure wanted; native's minutes follow at once.
    for (const dest of dests) tabs.push(await convertInTab(conn, url, csv.path, dir, dest));

    const loadAtNative = loadavg().map((l) => l.toFixed(2));
    const t1 = await nativeCopy(
      conn,
      { csv: csv.path, outDir: dir, threads: 1, runs: 1, rows, keepAs: nativeOut },
      (ms) => log(`native DuckDB threads=1: ${seconds(ms)}`),
    );
    const t2 = await nativeCopy(
      conn,
      { csv: csv.path, outDir: dir, threads: 2, runs: 1, rows },
      (ms) => log(`native DuckDB threads=2: ${seconds(ms)}`),
    );
    // The reference: native DuckDB reading the CSV itself (2 threads; sums are exact).
    const ref = await fingerprint(conn, `read_csv(${literal(csv.path)})`);
    const nativeCheck = await fingerprint(conn, `read_parquet(${literal(nativeOut)})`);
    const nativeBytes = (await stat(nativeOut)).size;

    const same = (f: Record<string, unknown>) => JSON.stringify(f) === JSON.stringify(ref);
    const lines = [
      `CSV: ${count(rows)} rows, ${megabytes(csv.bytes)}`,
      `native DuckDB threads=1: ${seconds(t1.time.median)}; threads=2: ${seconds(t2.time.median)}` +
        ` (load average at the start of the tab's runs: ${loadAtTab.join(', ')}; of native's: ` +
        `${loadAtNative.join(', ')})`,
      `native output: ${megabytes(nativeBytes)} Parquet, ` +
        `${same(nativeCheck) ? 'same as the CSV' : 'DIFFERENT from the CSV'}`,
    ];
    for (const t of tabs)
      lines.push(
        `tab → ${t.dest}: ${seconds(t.convertMs)} click → done ` +
          `(${(t.convertMs / t1.time.median).toFixed(2)}× native t1, ` +
          `${(t.convertMs / t2.time.median).toFixed(2)}× t2); inspect ${seconds(t.inspectMs)}`,
        `  memory: baseline ${megabytes(t.rssBaseline)}, peak ${megabytes(t.rssPeak)}, ` +
          `growth ${megabytes(t.rssPeak - t.rssBaseline)}`,
        `  main-thread long tasks: ${t.longTasks.count}, longest ${Math.round(t.longTasks.longestMs)} ms` +
          (t.longTasks.culprits?.length ? ` (${t.longTasks.culprits.join('; ')})` : ''),
        `  output: ${megabytes(t.outBytes)} Parquet (native's ${megabytes(nativeBytes)}), ` +
          `${t.savedTo}; "${t.doneText}"`,
        `  check against native DuckDB's reading of the CSV: ` +
          `${same(t.check) ? 'same rows, sums and row hash' : `DIFFERENT ${JSON.stringify(t.check)}`}`,
      );
    lines.push(`reference: ${JSON.stringify(ref)}`);
    console.log('\n' + lines.join('\n') + '\n');
    const console_ = tabs.flatMap((t) => t.console.map((m) => `${t.dest}: ${m}`));
    if (console_.length > 0) console.log(`console:\n${console_.join('\n')}`);
    if (!same(nativeCheck)) throw new Error("native DuckDB's Parquet differs from the CSV");
    const wrong = tabs.filter((t) => !same(t.check)).map((t) => t.dest);
    if (wrong.length > 0)
      throw new Error(`the tab's output differs from the CSV: ${wrong.join(', ')}`);
  } finally {
    server.close();
    await rm(nativeOut, { force: true });
  }
}

main().catch((err: unknown) => {
  console.error(
    '\n[convert-huge] FAILED:',
    err instanceof Error ? (err.stack ?? err.message) : err,
  );
  process.exit(1);
});
