import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corsRuleXml } from '../../src/core/remote';
import { quoteLiteral } from '../../src/core/sql/quote';
import { fixturePath } from '../support/fixtures';
import { startS3Stack, type S3Stack } from '../support/s3-stack';
import { presign, putObject } from '../support/s3-server';
import { openApp, type AppPage, queryRows } from './app-page';

let app: AppPage;
let stack: S3Stack;
let origin = '';
const SALES: string[] = [];
let parquetSize = 0;

beforeAll(async () => {
  app = await openApp();
  origin = new URL(app.url).origin;
  // `lake` lets the app's origin read it (the rule Decant shows); `bare` has no CORS at all.
  stack = await startS3Stack([{ name: 'lake', cors: corsRuleXml(origin) }, { name: 'bare' }]);
  const root = fixturePath('sales');
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) =>
      statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)],
    );
  for (const f of walk(root).sort()) {
    const key = `sales/${relative(root, f)}`;
    SALES.push(key);
    await putObject(stack.server, 'lake', key, readFileSync(f));
    await putObject(stack.server, 'bare', key, readFileSync(f));
  }
  // A Parquet object of a few MB: its footer is all the crawl may fetch.
  const native = await (await DuckDBInstance.create(':memory:')).connect();
  const pq = join(mkdtempSync(join(tmpdir(), 'decant-e2e-remote-')), 'events.parquet');
  await native.run(
    `COPY (SELECT i AS id, md5(i::VARCHAR) AS h FROM range(150000) t(i)) TO ${quoteLiteral(pq)} (FORMAT parquet)`,
  );
  native.closeSync();
  const bytes = readFileSync(pq);
  parquetSize = bytes.length;
  await putObject(stack.server, 'lake', 'events/part-0.parquet', bytes);
}, 240_000);
afterAll(async () => {
  await stack?.close();
  await app?.browser.close();
});

async function paste(page: Page, lines: string[]) {
  await page.goto(`${app.url}/#/crawl`);
  await page.getByTestId('remote-urls').fill(lines.join('\n'));
  await page.getByTestId('find-remote').click();
  await page.getByTestId('remote-found').waitFor({ timeout: 60_000 });
}

const sql = (page: Page, text: string) => queryRows(page, app.url, text);

describe('Crawling presigned S3 URLs in Chromium', () => {
  it('lists a presigned prefix, reads the GET URLs by ranges, and makes one sales table', async () => {
    const { page } = app;
    await stack.reset();
    const list = await presign(stack.proxy, 'lake', '', {
      query: { 'list-type': '2', prefix: 'sales/' },
    });
    const gets = await Promise.all(SALES.map((k) => presign(stack.proxy, 'lake', k)));
    const parquet = await presign(stack.proxy, 'lake', 'events/part-0.parquet');
    await paste(page, [list, ...gets, parquet]);
    expect(await page.getByTestId('remote-found').innerText()).toMatch(
      /^4 file\(s\), .* · 3 listed$/,
    );
    expect(await page.getByTestId('remote-problem').count()).toBe(0);

    await page.getByTestId('crawl-database').fill('remote');
    await page.getByTestId('run-crawl').click();
    await page
      .locator('[data-testid=crawl-plan], [data-testid=crawl-error]')
      .first()
      .waitFor({ timeout: 120_000 });
    const rows = page.getByTestId('plan-table');
    const tables = (await rows.allInnerTexts()).map((r) => r.split('\t'));
    const sales = tables.find((c) => c[0] === 'remote.sales');
    expect(sales?.slice(1, 4)).toEqual([
      'CSV',
      'id BIGINT, sku VARCHAR, price DOUBLE',
      expect.stringMatching(/^year (BIGINT|VARCHAR), month (BIGINT|VARCHAR)$/),
    ]);
    expect(sales?.slice(4, 6)).toEqual(['3', '3']);
    const events = tables.find((c) => c[0] === 'remote.events');
    expect(events?.slice(1, 3)).toEqual(['PARQUET', 'id BIGINT, h VARCHAR']);

    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor({ timeout: 60_000 });
    const got = await sql(
      page,
      'SELECT year, month, count(*) AS n FROM remote.sales GROUP BY ALL ORDER BY ALL',
    );
    expect(got.map((r) => r.split(/\s+/).slice(1).join(' '))).toEqual([
      '2024 01 2',
      '2024 02 1',
      '2025 01 2',
    ]);

    const log = await stack.log();
    // No HEAD at all (S3 refuses them on GET URLs), no object read without a range. A 304 is
    // the browser revalidating a range it has cached (no body comes).
    expect(log.filter((e) => e.method === 'HEAD')).toEqual([]);
    const objects = log.filter((e) => e.method === 'GET' && e.path !== '/lake');
    expect(objects.length).toBeGreaterThan(SALES.length);
    expect(objects.filter((e) => !e.range || (e.status !== 206 && e.status !== 304))).toEqual([]);
    // The Parquet object: its footer only, never the whole object.
    const pq = objects.filter((e) => e.path === '/lake/events/part-0.parquet');
    expect(parquetSize).toBeGreaterThan(2_000_000);
    expect(pq.length).toBeGreaterThan(0);
    expect(pq.every((e) => e.bytes < parquetSize)).toBe(true);
    expect(pq.reduce((n, e) => n + e.bytes, 0)).toBeLessThan(200_000);
  });

  it('is still queryable after a reload (the table keeps its URLs)', async () => {
    const { page } = app;
    await page.reload();
    await page
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: 60_000 });
    const got = await sql(page, 'SELECT sum(price) AS p FROM remote.sales');
    expect(got.map((r) => r.split(/\s+/).slice(1).join(' '))).toEqual(['17.5']);
  });

  it('says at query time that the presigned URLs of a committed table have expired', async () => {
    const { page } = app;
    // URLs that outlive the crawl and the commit by a little, then expire.
    const signedAt = new Date();
    const lifetime = 25;
    const list = await presign(stack.proxy, 'lake', '', {
      query: { 'list-type': '2', prefix: 'sales/' },
    });
    const gets = await Promise.all(
      SALES.map((k) => presign(stack.proxy, 'lake', k, { signedAt, expiresIn: lifetime })),
    );
    await paste(page, [list, ...gets]);
    await page.getByTestId('crawl-database').fill('soon');
    await page.getByTestId('run-crawl').click();
    await page.getByTestId('commit-crawl').click({ timeout: 60_000 });
    await page.getByTestId('crawl-committed').waitFor({ timeout: 60_000 });
    const left = signedAt.getTime() + lifetime * 1000 - Date.now();
    expect(left).toBeGreaterThan(0);
    await page.waitForTimeout(left + 1000);
    await stack.reset();
    const err = await sql(page, 'SELECT count(*) FROM soon.sales').catch((e: Error) => e.message);
    expect(err).toMatch(
      /remote: http:\/\/127\.0\.0\.1:\d+\/lake\/sales\/year=\d{4}\/month=\d\d\/part-0\.csv: the presigned URL expired at .* UTC \(\d+ s ago; it was signed at .* UTC to last 25 s\); presign it again/,
    );
    expect(err).not.toMatch(/X-Amz-|Signature/);
    // Refused before any request.
    expect((await stack.log()).filter((e) => e.path.startsWith('/lake/sales/'))).toEqual([]);
  });

  it('says precisely when a URL expired, and when a bucket lacks CORS (with the rule)', async () => {
    const { page } = app;
    const expired = await presign(stack.proxy, 'lake', SALES[0]!, {
      signedAt: new Date(Date.now() - 3 * 3600_000),
      expiresIn: 3600,
    });
    const bare = await presign(stack.proxy, 'bare', SALES[0]!);
    const bareList = await presign(stack.proxy, 'bare', '', {
      query: { 'list-type': '2', prefix: 'sales/' },
    });
    await paste(page, [expired, bare, bareList]);
    const problems = page.getByTestId('remote-problem');
    await expect.poll(() => problems.count()).toBe(3);
    const texts = await problems.allInnerTexts();
    const reasons = await problems.evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-reason')),
    );
    expect(reasons).toEqual(['expired', 'cors', 'cors']);
    expect(texts[0]).toMatch(
      /^line 1: remote: http:\/\/127\.0\.0\.1:\d+\/lake\/sales\/year=2024\/month=01\/part-0\.csv: the presigned URL expired at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(2 h ago; it was signed at .* UTC to last 60 min\); presign it again and paste the new URL$/,
    );
    expect(texts[1]).toContain(
      `the browser blocked the answer: the bucket's CORS configuration does not let this page (${origin}) read it`,
    );
    const rule = JSON.parse(await page.getByTestId('cors-rule').first().innerText());
    expect(rule).toEqual([
      {
        AllowedOrigins: [origin],
        AllowedMethods: ['GET', 'HEAD'],
        AllowedHeaders: ['Range'],
        ExposeHeaders: ['Content-Range', 'Content-Length', 'ETag', 'Last-Modified'],
        MaxAgeSeconds: 3000,
      },
    ]);
    // Shown as text, never with the credential.
    expect(texts.join('\n')).not.toMatch(/X-Amz-|Signature/);
  });
});
