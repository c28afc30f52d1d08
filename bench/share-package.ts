// `npm run bench:share`: the issue's sharing figures for the benchmark CSV (BENCH_ROWS, default
// 11,000,000 rows ≈ 1 GB) in the real app in headless Chromium: crawl it into the catalog, Share…
// it (a) as a zip download and (b) to S3 by multipart upload (the loopback SigV4-verifying proxy
// in front of s3rver), then (c) open the zip in a fresh browser context, to its first rows, and
// "Add to catalog" (every file's SHA-256 checked). Each step's time and the browser's memory
// growth (all its processes' RSS, peak minus the step's baseline), beside native anchors from the
// same run: native DuckDB (threads=1) COPY of the CSV to Parquet, and `sha256sum` of that output.
// Measures only; fails when the package holds the wrong number of rows. One run (BENCH_RUNS is
// not used: at 1 GB a run takes minutes). Not in `npm run bench`'s default list for that reason.
// BENCH_SHARE_PROFILE=disk runs in browser profiles on disk, as a user's are (their OPFS and
// large blobs on disk); by default Playwright's off-the-record contexts, which keep both in memory.
import { execFileSync } from 'node:child_process';
import { link, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../test/support/chromium';
import { corsXml, startS3Stack } from '../test/support/s3-stack';
import { serveStatic } from '../test/support/static-server';
import { uploadCorsRule } from '../src/share/s3-errors';
import { OUT, ROOT } from './lib/app-page';
import { ensureCsv } from './lib/csv';
import { writeFigures, type Figure } from './lib/figures';
import { buildApp } from './lib/in-tab';
import { countParquetRows, openNative } from './lib/native';
import { chromiumRssTotal, sampleRss } from './lib/rss';
import { count, megabytes, seconds, timed } from './lib/stats';

const ROWS = Number((process.env.BENCH_ROWS ?? '11000000').replaceAll('_', ''));
if (!Number.isInteger(ROWS) || ROWS <= 0)
  throw new Error(`BENCH_ROWS must be a positive integer, got "${process.env.BENCH_ROWS}"`);
/** Generous: at 1 GB each step takes minutes on a shared 2-core machine. */
const STEP_MS = 30 * 60_000;
const BUCKET = 'bench-share';
const REGION = 'us-east-1';
const TEMP = {
  accessKeyId: 'ASIABENCHSHARE0001',
  secretAccessKey: 'bench-secret-not-a-real-one',
  sessionToken: 'bench-session-token',
};

const PROFILE = process.env.BENCH_SHARE_PROFILE ?? 'memory';
if (PROFILE !== 'memory' && PROFILE !== 'disk')
  throw new Error(`BENCH_SHARE_PROFILE must be "memory" or "disk", got "${PROFILE}"`);

const log = (msg: string) => console.log(`[bench:share] ${msg}`);

const uploadCorsXml = (origin: string) => corsXml(uploadCorsRule(origin));

/** Time and memory growth of one step: RSS sampled every 200 ms from just before it starts. */
async function step<T>(
  name: string,
  fn: () => Promise<T>,
): Promise<{ value: T; ms: number; growth: number }> {
  const baseline = await chromiumRssTotal();
  const sampler = sampleRss(200, baseline);
  try {
    const { value, ms } = await timed(fn);
    const growth = (await sampler.stop()) - baseline;
    log(`${name}: ${seconds(ms)}, browser memory +${megabytes(growth)}`);
    return { value, ms, growth };
  } finally {
    await sampler.stop();
  }
}

/** A fresh context: off the record in `browser`, or (BENCH_SHARE_PROFILE=disk) a new profile on disk. */
async function newContext(browser: Browser): Promise<BrowserContext> {
  if (PROFILE === 'memory') return browser.newContext({ acceptDownloads: true });
  const profile = await mkdtemp(join(tmpdir(), 'bench-share-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: await findChromium(),
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
  });
  profiles.push({ context, profile });
  return context;
}

/** The profiles on disk made for BENCH_SHARE_PROFILE=disk: each its own browser, closed at the end. */
const profiles: { context: BrowserContext; profile: string }[] = [];

async function newPage(browser: Browser, url: string): Promise<Page> {
  const page = await (await newContext(browser)).newPage();
  page.setDefaultTimeout(STEP_MS);
  await page.goto(url);
  await page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor();
  return page;
}

async function openShare(page: Page, base: string, title: string) {
  await page.goto(`${base}#/catalog/bench/orders`);
  await page.getByTestId('share-open').click();
  const dialog = page.getByTestId('share-dialog');
  await dialog.waitFor();
  await dialog.getByTestId('share-title').fill(title);
  return dialog;
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const csv = await ensureCsv(OUT, ROWS);
  log(
    `${csv.reused ? 'reusing' : 'generated'} ${csv.path} (${count(ROWS)} rows, ${megabytes(csv.bytes)})`,
  );
  // The crawler takes a folder: the CSV alone in one, linked (not copied).
  const folder = join(OUT, `share-${ROWS}`, 'orders');
  await rm(join(OUT, `share-${ROWS}`), { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  await link(csv.path, join(folder, 'orders.csv'));

  // Native anchors: DuckDB threads=1 COPY to Parquet (ZSTD, as the share writes), then sha256sum.
  const conn = await openNative();
  await conn.run('SET threads = 1');
  const nativeOut = join(OUT, `share-native-${ROWS}.parquet`);
  await rm(nativeOut, { force: true });
  const copy = await timed(() =>
    conn.run(
      `COPY (SELECT * FROM read_csv('${csv.path.replaceAll("'", "''")}')) TO ` +
        `'${nativeOut.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`,
    ),
  );
  if ((await countParquetRows(conn, nativeOut)) !== ROWS)
    throw new Error(`native DuckDB wrote the wrong number of rows to ${nativeOut}`);
  const nativeBytes = (await stat(nativeOut)).size;
  log(`native DuckDB t1 COPY → Parquet: ${seconds(copy.ms)} (${megabytes(nativeBytes)})`);
  const hash = await timed(() => execFileSync('sha256sum', [nativeOut], { encoding: 'utf8' }));
  log(`sha256sum of the native Parquet: ${seconds(hash.ms)}`);
  await rm(nativeOut, { force: true });

  const dist = join(OUT, 'dist');
  if (process.env.BENCH_SKIP_BUILD !== '1') await buildApp(ROOT, dist);
  const { url, server } = await serveStatic(dist);
  const stack = await startS3Stack([{ name: BUCKET, cors: uploadCorsXml(new URL(url).origin) }]);
  await stack.setRules({
    region: REGION,
    credentials: { [TEMP.accessKeyId]: { secret: TEMP.secretAccessKey, token: TEMP.sessionToken } },
  });
  const browser = await chromium.launch({
    executablePath: await findChromium(),
    args: CHROMIUM_ARGS,
  });
  const zipPath = join(OUT, `share-${ROWS}.zip`);
  try {
    const page = await newPage(browser, `${url}/#/crawl`);
    const crawl = await step('crawl into the catalog', async () => {
      await page.getByTestId('crawl-folder-input').setInputFiles(folder);
      await page.getByTestId('crawl-found').waitFor();
      await page.getByTestId('crawl-database').fill('bench');
      await page.getByTestId('run-crawl').click();
      await page.getByTestId('commit-crawl').click();
      await page.getByTestId('crawl-committed').waitFor();
    });

    // (a) Share… → zip download: Share click → the download (its Parquet written, zipped, hashed).
    const zipDialog = await openShare(page, url, 'Orders');
    await zipDialog.getByTestId('destination-zip').check();
    const zip = await step('share as a zip download', async () => {
      const downloading = page.waitForEvent('download', { timeout: STEP_MS });
      await zipDialog.getByTestId('share-start').click();
      const download = await downloading;
      await zipDialog.getByTestId('share-done').waitFor();
      await download.saveAs(zipPath);
    });
    const zipBytes = (await stat(zipPath)).size;
    const doc = JSON.parse(
      execFileSync('unzip', ['-p', zipPath, 'datapackage.json'], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      }),
    ) as { resources: { files?: { rows: number }[] }[] };
    const packaged = (doc.resources[0]?.files ?? []).reduce((n, f) => n + f.rows, 0);
    if (packaged !== ROWS) throw new Error(`the package holds ${packaged} rows, not ${ROWS}`);
    log(`zip: ${megabytes(zipBytes)}, ${count(packaged)} rows`);
    await zipDialog.getByRole('button', { name: 'Close' }).click();

    // (b) Share… → S3 by multipart upload (S3's 5 MiB parts), SigV4-signed in the tab.
    const s3Dialog = await openShare(page, url, 'Orders to S3');
    await s3Dialog.getByTestId('destination-s3').check();
    const form = s3Dialog.getByTestId('s3-credentials');
    await form.getByTestId('s3-key').fill(TEMP.accessKeyId);
    await form.getByTestId('s3-secret').fill(TEMP.secretAccessKey);
    await form.getByTestId('s3-token').fill(TEMP.sessionToken);
    await form.getByTestId('s3-region').fill(REGION);
    await form.getByTestId('s3-bucket').fill(`s3://${BUCKET}/orders/`);
    await form.getByTestId('s3-endpoint').fill(stack.proxy);
    await form.getByTestId('s3-use').click();
    await form.getByTestId('s3-access').waitFor();
    await stack.reset();
    const s3 = await step('share to S3 (multipart)', async () => {
      await s3Dialog.getByTestId('share-start').click();
      await s3Dialog.getByTestId('share-done').waitFor();
    });
    const done = await s3Dialog.getByTestId('share-done').innerText();
    if (!/^Uploaded \d+ files/.test(done)) throw new Error(`S3 upload: ${done}`);
    // The proxy logs paths without queries: a Parquet file's PUTs are its parts, its two POSTs
    // the multipart upload's start and completion.
    const sent = (await stack.log()).filter((e) => e.path.endsWith('.parquet'));
    const parts = sent.filter((e) => e.method === 'PUT').length;
    const multipart = sent.filter((e) => e.method === 'POST').length >= 2;
    log(`S3: ${done} (${parts} Parquet PUTs, multipart: ${multipart})`);
    await page.context().close();

    // (c) A fresh context opens the zip (README, tables, preview by range reads), then "Add to
    // catalog" checks every file's SHA-256 and keeps copies in its storage.
    const b = await newPage(browser, `${url}/#/catalog`);
    const open = await step('open the package to its first rows', async () => {
      await b.getByTestId('package-zip-input').setInputFiles(zipPath);
      await b.getByTestId('package-title').waitFor();
      await b.getByTestId('package-preview').first().waitFor();
    });
    const add = await step('Add to catalog (SHA-256 of every file)', async () => {
      await b.getByTestId('add-package').click();
      await b
        .locator('[data-testid=package-added], [data-testid=package-problem]')
        .first()
        .waitFor();
    });
    if (await b.getByTestId('package-problem').count())
      throw new Error(`Add to catalog: ${await b.getByTestId('package-problem').innerText()}`);

    const n = `${count(ROWS)}-row (${megabytes(csv.bytes)}) CSV`;
    const memory = (label: string, growth: number): Figure => ({
      section: 'share',
      label: `${label}: browser memory growth`,
      unit: 'bytes',
      runs: [growth],
    });
    // Memory: all Chromium processes' RSS, the step's peak minus its start.
    const figures: Figure[] = [
      { section: 'share', label: `${n} crawled into the catalog`, unit: 'ms', runs: [crawl.ms] },
      {
        section: 'share',
        label: `${n} Share… → zip download (${megabytes(zipBytes)})`,
        unit: 'ms',
        runs: [zip.ms],
        anchors: [{ label: 'native DuckDB t1 COPY → Parquet', runs: [copy.ms] }],
      },
      memory('share as zip', zip.growth),
      {
        section: 'share',
        label: `${n} Share… → S3 (${multipart ? `multipart, ${parts} parts` : 'one PUT a file'})`,
        unit: 'ms',
        runs: [s3.ms],
        anchors: [{ label: 'native DuckDB t1 COPY → Parquet', runs: [copy.ms] }],
      },
      memory('share to S3', s3.growth),
      {
        section: 'share',
        label: `shared package (${megabytes(zipBytes)} zip) opened to first rows`,
        unit: 'ms',
        runs: [open.ms],
      },
      memory('open the package', open.growth),
      {
        section: 'share',
        label: 'shared package Add to catalog (SHA-256 of every file)',
        unit: 'ms',
        runs: [add.ms],
        anchors: [{ label: 'sha256sum of the native Parquet', runs: [hash.ms] }],
      },
      memory('Add to catalog', add.growth),
    ];
    await writeFigures(OUT, 'share-package', figures);
    log(`wrote ${join(OUT, 'figures', 'share-package.json')}`);
  } finally {
    for (const p of profiles) {
      await p.context.close().catch(() => undefined);
      await rm(p.profile, { recursive: true, force: true });
    }
    await browser.close();
    await stack.close();
    server.close();
    await rm(zipPath, { force: true });
    await rm(join(OUT, `share-${ROWS}`), { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error('\n[bench:share] FAILED:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
