import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedReadCorsRule } from '../../src/crawler/s3-signed-prefix';
import { fixturePath } from '../support/fixtures';
import { putObject } from '../support/s3-server';
import { corsXml, startS3Stack, type S3Stack } from '../support/s3-stack';
import { cellsOf, openApp, queryRows, type AppPage } from './app-page';
import { storedJson } from '../support/page-storage';

const REGION = 'us-east-1';
const TEMP = {
  accessKeyId: 'ASIAE2ECRAWLS3CRED1',
  secretAccessKey: 'e2e-crawl-secret-never-shown',
  sessionToken: 'e2e-crawl-token-never-shown',
};
/** Keys per ListObjectsV2 page the proxy allows: the prefix's 6 keys take 3 signed pages. */
const PAGE = 2;

let app: AppPage;
let stack: S3Stack;

const signedReadCorsXml = (origin: string) => corsXml(signedReadCorsRule(origin));

beforeAll(async () => {
  app = await openApp();
  const origin = new URL(app.url).origin;
  // `lake` has the rule Decant names; `bare` has no CORS at all.
  stack = await startS3Stack([{ name: 'lake', cors: signedReadCorsXml(origin) }, { name: 'bare' }]);
  await stack.setRules({
    region: REGION,
    listPageSize: PAGE,
    credentials: {
      [TEMP.accessKeyId]: { secret: TEMP.secretAccessKey, token: TEMP.sessionToken },
    },
  });
  // The hive-partitioned sales fixture (5 rows in 3 partitions), scratch files of another shape
  // and a notes file, both left out by the crawler's exclusion globs.
  const root = fixturePath('sales');
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) =>
      statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)],
    );
  for (const f of walk(root).sort()) {
    await putObject(stack.server, 'lake', `sales/${relative(root, f)}`, readFileSync(f));
    await putObject(stack.server, 'bare', `sales/${relative(root, f)}`, readFileSync(f));
  }
  await putObject(stack.server, 'lake', 'sales/scratch/a.csv', 'x,y,z\nq,w,e\n');
  await putObject(stack.server, 'lake', 'sales/scratch/b.csv', 'x,y,z\nr,t,y\n');
  await putObject(stack.server, 'lake', 'sales/notes.txt', 'not data');
}, 240_000);
afterAll(async () => {
  await stack?.close();
  await app?.browser.close();
});

const PASSPHRASE = 'a passphrase never-shown';

/** Types the keys into the S3 section's credential form; `keep`: sealed with PASSPHRASE too. */
async function enterCredentials(page: Page, secret = TEMP.secretAccessKey, keep = false) {
  const form = page.getByTestId('s3-prefix-source').getByTestId('s3-credentials');
  await form.getByTestId('s3-key').fill(TEMP.accessKeyId);
  await form.getByTestId('s3-secret').fill(secret);
  await form.getByTestId('s3-token').fill(TEMP.sessionToken);
  if (keep) {
    await form.getByTestId('s3-keep').check();
    await form.getByTestId('s3-passphrase').fill(PASSPHRASE);
  }
  await form.getByTestId('s3-use').click();
  await form.getByTestId('s3-access').waitFor({ timeout: 60_000 });
}

async function fillPrefix(page: Page, uri: string) {
  await page.getByTestId('s3src-uri').fill(uri);
  await page.getByTestId('s3src-region').fill(REGION);
  await page.getByTestId('s3src-endpoint').fill(stack.proxy);
}

async function listPrefix(page: Page) {
  await page.getByTestId('s3src-list').click();
  await page
    .locator('[data-testid=s3src-listed], [data-testid=s3src-error]')
    .first()
    .waitFor({ timeout: 60_000 });
}

const sql = (page: Page, text: string) => queryRows(page, app.url, text);

interface CrawlerRun {
  id: string;
  crawler: string;
  state: string;
  error?: string;
}
const SECRETS = /never-shown/;

describe('Crawling an S3 prefix with credentials entered in the tab', () => {
  it('is locked without credentials, and says in words when the secret is wrong', async () => {
    const { page } = app;
    await page.goto(`${app.url}/#/crawl`);
    await page
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('s3src-locked').innerText()).toMatch(
      /Locked: enter your AWS credentials or unlock the saved ones/,
    );
    await fillPrefix(page, 's3://lake/sales/');
    expect(await page.getByTestId('s3src-list').isDisabled()).toBe(true);

    await enterCredentials(page, 'a-wrong-secret-never-shown');
    await listPrefix(page);
    const error = await page.getByTestId('s3src-error').innerText();
    expect(error).toMatch(/S3 did not accept these credentials \(SignatureDoesNotMatch\)/);
    expect(error).not.toMatch(SECRETS);
  });

  it('names the CORS rule when the bucket has none for this page', async () => {
    const { page } = app;
    await fillPrefix(page, 's3://bare/sales/');
    // The right keys this time: the bucket's missing CORS rule is what stops the listing.
    await page.getByRole('button', { name: 'Use other credentials' }).click();
    // Kept this time, sealed with a passphrase: unlocked again after the reload below.
    await enterCredentials(page, TEMP.secretAccessKey, true);
    await listPrefix(page);
    const error = await page.getByTestId('s3src-error').innerText();
    expect(error).toMatch(/listing s3:\/\/bare\/sales\/ got no answer this page can read/);
    expect(error).toContain(`"AllowedOrigins": [\n      "${new URL(app.url).origin}"`);
    expect(error).toMatch(/"AllowedHeaders": \[\s*"\*"\s*\]/);
  });

  it('lists every page, crawls with the exclusions and partitions, and queries by ranges', async () => {
    const { page } = app;
    await stack.reset();
    await page.getByTestId('crawler-name').fill('s3 sales');
    await page.getByTestId('crawl-database').fill('s3lake');
    await page.getByLabel('Exclude (one glob per line)').fill('**/scratch/**\n**/*.txt');
    await fillPrefix(page, 's3://lake/sales/');
    await listPrefix(page);
    expect(await page.getByTestId('s3src-listed').innerText()).toMatch(
      /^6 object\(s\), .* in 3 page\(s\) of s3:\/\/lake\/sales\/$/,
    );
    await page.getByTestId('run-crawl').click();
    await page
      .locator('[data-testid=crawl-plan], [data-testid=crawl-error]')
      .first()
      .waitFor({ timeout: 120_000 });
    const tables = (await page.getByTestId('plan-table').allInnerTexts()).map((r) => r.split('\t'));
    // One table: the scratch files and the notes were excluded.
    expect(tables.map((c) => c[0])).toEqual(['s3lake.sales']);
    expect(tables[0]!.slice(1, 6)).toEqual([
      'CSV',
      'id BIGINT, sku VARCHAR, price DOUBLE',
      expect.stringMatching(/^year (BIGINT|VARCHAR), month (BIGINT|VARCHAR)$/),
      '3',
      '3',
    ]);
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor({ timeout: 60_000 });

    const got = await sql(
      page,
      'SELECT year, month, count(*) AS n FROM s3lake.sales GROUP BY ALL ORDER BY ALL',
    );
    expect(cellsOf(got)).toEqual(['2024 01 2', '2024 02 1', '2025 01 2']);
    expect(cellsOf(await sql(page, 'SELECT sum(price) FROM s3lake.sales'))).toEqual(['17.5']);

    const log = await stack.log();
    // The listing: signed pages of at most PAGE keys, following continuation tokens.
    expect(log.filter((e) => e.method === 'GET' && e.path === '/lake')).toHaveLength(3);
    // Objects: never a HEAD, never a read without a range, never an excluded file.
    const objects = log.filter((e) => e.path.startsWith('/lake/'));
    expect(log.filter((e) => e.method === 'HEAD')).toEqual([]);
    expect(objects.filter((e) => e.method === 'GET' && !e.range)).toEqual([]);
    expect(objects.filter((e) => /\/scratch\/|\.txt$/.test(e.path))).toEqual([]);
    expect(objects.length).toBeGreaterThan(3);

    // Saved with its prefix and region, never a key or a URL; the kept credentials are sealed:
    // nothing secret is stored in the clear anywhere.
    const stored = await storedJson(page);
    expect(stored).toContain('"kind":"s3-prefix","bucket":"lake","prefix":"sales/"');
    expect(stored).not.toMatch(SECRETS);
    expect(stored).not.toContain(TEMP.accessKeyId);
    expect(stored).not.toContain('X-Amz-Signature');
  });

  it('after a reload, the table and the saved crawler ask for credentials, then work', async () => {
    const { page } = app;
    await page.reload();
    await page
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: 60_000 });

    // A query on the table says why it cannot be read.
    await expect(sql(page, 'SELECT count(*) FROM s3lake.sales')).rejects.toThrow(
      /s3lake\.sales cannot be read now: .*locked — enter your AWS credentials or unlock the saved ones/,
    );
    // Its page too, with the form to enter them.
    await page.goto(`${app.url}/#/catalog/s3lake/sales`);
    await page.getByTestId('s3-table-locked').waitFor();

    // Re-running the saved crawler asks for them.
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('edit-crawler').filter({ hasText: 's3 sales' }).click();
    expect(await page.getByTestId('crawler-sources').innerText()).toContain('s3://lake/sales/');
    expect(await page.getByTestId('s3src-locked').innerText()).toMatch(
      /Locked: enter your AWS credentials or unlock the saved ones to run this crawler \(it reads s3:\/\/lake\/sales\/\)/,
    );
    await page.getByTestId('run-crawl').click();
    expect(await page.getByTestId('crawl-error').innerText()).toMatch(
      /locked: enter your AWS credentials or unlock the saved ones/,
    );

    const form = page.getByTestId('s3-prefix-source').getByTestId('s3-credentials');
    await form.getByTestId('s3-unlock-passphrase').fill(PASSPHRASE);
    await form.getByTestId('s3-unlock').click();
    await form.getByTestId('s3-access').waitFor({ timeout: 60_000 });
    await page.getByTestId('run-crawl').click();
    await page
      .locator('[data-testid=crawl-plan], [data-testid=crawl-error]')
      .first()
      .waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('crawl-error').count()).toBe(0);
    const planned = (await page.getByTestId('plan-table').allInnerTexts()).map(
      (r) => r.split('\t')[0],
    );
    expect(planned).toEqual(['s3lake.sales']);

    // With the credentials in the tab, the table reads again.
    expect(cellsOf(await sql(page, 'SELECT count(*) FROM s3lake.sales'))).toEqual(['5']);
    expect(await storedJson(page)).not.toMatch(SECRETS);
  });

  it('a table page asks for the credentials after a reload, and reads once they are unlocked', async () => {
    const { page } = app;
    await page.reload();
    await page
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: 60_000 });
    await page.goto(`${app.url}/#/catalog/s3lake/sales`);
    const lock = page.getByTestId('s3-table-locked');
    await lock.waitFor({ timeout: 60_000 });
    expect(await page.getByRole('alert').allInnerTexts()).toContainEqual(
      expect.stringMatching(
        /"sales\/year=20\d\d\/month=0\d\/part-0.csv" is read from s3:\/\/lake\/ .*locked/,
      ),
    );
    await lock.getByTestId('s3-unlock-passphrase').fill(PASSPHRASE);
    await lock.getByTestId('s3-unlock').click();
    // Served again at once: the lock and its alert go away.
    await lock.waitFor({ state: 'detached', timeout: 60_000 });
    await expect
      .poll(async () => (await page.getByRole('alert').allInnerTexts()).join('\n'))
      .not.toMatch(/locked/);
  });

  it('a scheduled trigger fires the saved crawler: locked, it fails in words; unlocked, it signs and finds new data', async () => {
    const { page } = app;
    await putObject(
      stack.server,
      'lake',
      'sales/year=2026/month=01/part-0.csv',
      'id,sku,price\n9,z,1.5\n',
    );
    await stack.reset();
    // A clock 60 times faster: one scheduled minute is one real second. The page load locks the
    // kept credentials again, so the first firings run locked.
    await page.goto(`${app.url}/?clock=${Date.now()}x60#/schedule`);
    await expect
      .poll(() => page.getByTestId('scheduler-status').getAttribute('data-leader'), {
        timeout: 60_000,
      })
      .toBe('leader');
    await page.getByTestId('new-trigger').click();
    await page.getByTestId('trigger-name').fill('s3 every five');
    await page.getByTestId('trigger-kind').selectOption('SCHEDULED');
    await page.getByTestId('trigger-schedule').fill('*/5 * * * *');
    await page.locator('[data-testid=action-crawler][value="s3 sales"]').check();
    const crawlerRuns = async () =>
      (JSON.parse(await storedJson(page)) as { crawlerRuns: CrawlerRun[] }).crawlerRuns.filter(
        (r) => r.crawler === 's3 sales',
      );
    // Runs by hand earlier in this file are not the trigger's.
    const before = new Set((await crawlerRuns()).map((r) => r.id));
    const runs = async () =>
      (await crawlerRuns()).filter((r) => !before.has(r.id) && r.state !== 'RUNNING');
    await page.getByTestId('save-trigger').click();
    await page.getByTestId('trigger-row').filter({ hasText: 's3 every five' }).waitFor();
    await expect
      .poll(async () => (await runs()).filter((r) => r.state === 'FAILED').length, {
        timeout: 60_000,
      })
      .toBeGreaterThanOrEqual(1);
    const failed = (await runs()).find((r) => r.state === 'FAILED')!;
    expect(failed.error).toMatch(/locked: enter your AWS credentials or unlock the saved ones/);
    // Locked, nothing was listed or read, and the table was not deprecated for want of a listing.
    expect((await stack.log()).filter((e) => e.path.startsWith('/lake'))).toEqual([]);

    // Unlocked in the tab (a hash change keeps the fast clock), the next firing signs its listing.
    await page.evaluate(() => (location.hash = '#/crawl'));
    const form = page.getByTestId('s3-prefix-source').getByTestId('s3-credentials');
    await form.getByTestId('s3-unlock-passphrase').fill(PASSPHRASE);
    await form.getByTestId('s3-unlock').click();
    await form.getByTestId('s3-access').waitFor({ timeout: 60_000 });
    await expect
      .poll(async () => (await runs()).filter((r) => r.state === 'SUCCEEDED').length, {
        timeout: 90_000,
      })
      .toBeGreaterThanOrEqual(1);
    const log = await stack.log();
    expect(log.filter((e) => e.method === 'GET' && e.path === '/lake').length).toBeGreaterThan(0);
    expect(
      log.filter((e) => e.path.startsWith('/lake/') && e.method === 'GET' && !e.range),
    ).toEqual([]);
    // The new partition the scheduled crawl found is in the table (read from the catalog's own
    // store: a query page would be a new page load, which locks the credentials again).
    const stored = await storedJson(page);
    expect(stored).toContain('sales/year=2026/month=01/part-0.csv');
    expect(stored).not.toMatch(SECRETS);
    expect(stored).not.toContain(TEMP.accessKeyId);
  });
});
