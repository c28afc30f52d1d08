// `npx tsx bench/convert-huge.ts` (not in CI): a generated CSV of BENCH_HUGE_GB gigabytes
// (default 6) converted to Parquet by the app in headless Chromium, into the browser's storage
// (OPFS), written as it is encoded. Reports the tab's conversion time, the browser's peak memory
// growth (summed RSS of its processes, from /proc), native DuckDB threads=1 on the same file, and
// checks the tab's output against native DuckDB's (row count and column sums). It measures; it
// fails only when the output is wrong.
//
// Environment: BENCH_HUGE_GB (default 6; 0.5 or 1 for a quicker look), BENCH_HUGE_DIR (where the
// CSV and outputs go; default the system's temp folder), BENCH_DIST (a built app to serve, else
// the app is built into bench/out/dist-huge).
import { mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../test/support/chromium';
import { serveStatic } from '../test/support/static-server';
import { ensureCsv } from './lib/csv';
import { buildApp } from './lib/in-tab';
import { nativeCopy, openNative } from './lib/native';
import { chromiumRssTotal, sampleRss } from './lib/rss';
import { count, megabytes, seconds, timed } from './lib/stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Bytes per row of bench/lib/csv.ts's file (91 MB per million rows). */
const BYTES_PER_ROW = 91;
const log = (msg: string) => console.log(`[convert-huge] ${msg}`);

function gigabytesFromEnv(): number {
  const raw = process.env.BENCH_HUGE_GB ?? '6';
  const gb = Number(raw);
  if (!Number.isFinite(gb) || gb <= 0)
    throw new Error(`BENCH_HUGE_GB must be a positive number, got "${raw}"`);
  return gb;
}

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Rows and column sums of a Parquet file, by native DuckDB: what both outputs must agree on. */
async function fingerprint(
  conn: Awaited<ReturnType<typeof openNative>>,
  path: string,
): Promise<Record<string, unknown>> {
  const r = await conn.runAndReadAll(
    `SELECT count(*)::BIGINT AS rows, sum(order_id)::HUGEINT AS order_ids, ` +
      `sum(amount)::DOUBLE AS amount, count(DISTINCT country)::BIGINT AS countries ` +
      `FROM read_parquet(${literal(path)})`,
  );
  return r.getRowObjectsJson()[0]!;
}

async function main(): Promise<void> {
  const gb = gigabytesFromEnv();
  const rows = Math.round((gb * 1e9) / BYTES_PER_ROW);
  const dir = process.env.BENCH_HUGE_DIR ?? join(tmpdir(), 'decant-bench-huge');
  await mkdir(dir, { recursive: true });

  const gen = await timed(() => ensureCsv(dir, rows));
  const csv = gen.value;
  log(
    `${csv.reused ? 'reusing' : `generated in ${seconds(gen.ms)}`} ${csv.path} ` +
      `(${count(rows)} rows, ${megabytes(csv.bytes)})`,
  );

  const conn = await openNative();
  const nativeOut = join(dir, 'native-t1.parquet');
  const native = await nativeCopy(
    conn,
    { csv: csv.path, outDir: dir, threads: 1, runs: 1, rows, keepAs: nativeOut },
    (ms) => log(`native DuckDB threads=1: ${seconds(ms)}`),
  );

  let distDir = process.env.BENCH_DIST;
  if (!distDir) {
    distDir = join(ROOT, 'bench', 'out', 'dist-huge');
    await buildApp(ROOT, distDir);
  }
  const { url, server } = await serveStatic(distDir);
  const browser = await chromium.launch({
    executablePath: await findChromium(),
    args: CHROMIUM_ARGS,
  });
  const tabOut = join(dir, 'in-tab.parquet');
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(url);
    await page
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: 120_000 });
    const card = page.getByTestId('file-card');
    const inspect = await timed(async () => {
      await page.getByTestId('file-input').setInputFiles(csv.path);
      await card.and(page.locator('[data-state="ready"],[data-state="failed"]')).waitFor({
        timeout: 600_000,
      });
    });
    if ((await card.getAttribute('data-state')) === 'failed')
      throw new Error(`inspecting failed: ${await card.getByTestId('error').textContent()}`);
    log(`in-tab inspect: ${seconds(inspect.ms)}`);
    await page.getByTestId('destination').selectOption('opfs');
    await page.getByTestId('compression').selectOption('zstd');

    const baseline = await chromiumRssTotal();
    const sampler = sampleRss(200, baseline);
    const convert = await timed(async () => {
      await card.getByTestId('convert').click();
      await card.and(page.locator('[data-state="done"],[data-state="failed"]')).waitFor({
        timeout: 6 * 3600_000,
      });
    }).finally(() => sampler.stop());
    const peak = await sampler.stop();
    if ((await card.getAttribute('data-state')) === 'failed')
      throw new Error(`converting failed: ${await card.getByTestId('error').textContent()}`);
    const doneText = ((await card.getByTestId('done').textContent()) ?? '').replace(/\s+/g, ' ');
    log(`in-tab convert: ${seconds(convert.ms)}: ${doneText.trim()}`);

    // The output, out of OPFS through a download of the file (read from disk, not memory).
    const download = page.waitForEvent('download', { timeout: 600_000 });
    await card.getByTestId('download').click();
    await (await download).saveAs(tabOut);
    await context.close();

    const [tab, ref] = [await fingerprint(conn, tabOut), await fingerprint(conn, nativeOut)];
    const same = JSON.stringify(tab) === JSON.stringify(ref);
    console.log(
      '\n' +
        [
          `CSV: ${count(rows)} rows, ${megabytes(csv.bytes)}`,
          `native DuckDB threads=1: ${seconds(native.time.median)}`,
          `tab (to OPFS, streamed): ${seconds(convert.ms)} ` +
            `(${(convert.ms / native.time.median).toFixed(2)}× native t1)`,
          `tab memory: baseline ${megabytes(baseline)}, peak ${megabytes(peak)}, ` +
            `growth ${megabytes(peak - baseline)}`,
          `output: ${megabytes((await stat(tabOut)).size)} Parquet (native's: ` +
            `${megabytes((await stat(nativeOut)).size)})`,
          `check against native DuckDB: ${same ? 'same rows and sums' : 'DIFFERENT'} ${JSON.stringify(tab)}`,
        ].join('\n') +
        '\n',
    );
    if (!same)
      throw new Error(`the tab's output differs from native DuckDB's: ${JSON.stringify(ref)}`);
  } finally {
    await browser.close();
    server.close();
    await rm(tabOut, { force: true });
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
