import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClient } from 'aws4fetch';
import { quoteLiteral } from '../../src/core/sql/quote';
import { newJob, type Job } from '../../src/jobs/model';
import { uploadCorsRule } from '../../src/share/s3-errors';
import { fixturePath } from '../support/fixtures';
import { crawlSalesFolder } from '../support/e2e-jobs';
import { nativeRead } from '../support/native-duckdb';
import { saveJobInPage, scratchNames } from '../support/page-storage';
import { corsXml, startS3Stack, type S3Stack } from '../support/s3-stack';
import { card, cellsOf, openApp, queryRows, settled, type AppPage } from './app-page';

/**
 * Prepared data is Parquet, in Chromium: a catalog table, a query result and a job node's
 * output exported (Parquet checked by native DuckDB, NDJSON and CSV by their text); a cancelled
 * export leaves nothing; a crawled CSV table materialized as Parquet gives the same rows, also
 * after a reload; Quick convert's "Add to catalog" registers the Parquet it wrote. Exports
 * uploaded to S3 (s3rver behind the SigV4-verifying proxy): the object read by native DuckDB, a
 * cancelled multipart upload aborted, a denied PutObject named.
 */

let app: AppPage;
let stack: S3Stack;
const tmp = mkdtempSync(join(tmpdir(), 'decant-e2e-exports-'));
const BUCKET = 'exports';
const REGION = 'us-east-1';
const TEMP = {
  accessKeyId: 'ASIAE2EEXPORTS001',
  secretAccessKey: 'e2e-export-secret-never-shown',
  sessionToken: 'e2e-export-token-never-shown',
};

const uploadCorsXml = (origin: string) => corsXml(uploadCorsRule(origin));

beforeAll(async () => {
  app = await openApp();
  stack = await startS3Stack([{ name: BUCKET, cors: uploadCorsXml(new URL(app.url).origin) }]);
  await stack.setRules({
    region: REGION,
    credentials: {
      [TEMP.accessKeyId]: { secret: TEMP.secretAccessKey, token: TEMP.sessionToken },
    },
    denyWrites: [`${BUCKET}/locked/`],
  });
});
afterAll(async () => {
  await app?.browser.close();
  await stack?.close();
});

/** ListMultipartUploads on the bucket, signed: the upload ids in progress. */
async function multipartUploads(): Promise<string[]> {
  const signed = new AwsClient({ ...TEMP, service: 's3', region: REGION });
  const res = await signed.fetch(`${stack.proxy}/${BUCKET}?uploads`);
  expect(res.status).toBe(200);
  return [...(await res.text()).matchAll(/<UploadId>([^<]+)<\/UploadId>/g)].map((m) => m[1]!);
}

/** The stored object, from s3rver itself; null when absent. */
async function storedObject(key: string): Promise<Buffer | null> {
  const res = await fetch(`${stack.server}/${BUCKET}/${key}`);
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

const TABLE = 'warehouse.lake_files_sales';
const tablePage = () => `${app.url}/#/catalog/warehouse/lake_files_sales`;

/** Starts the open export dialog and returns what the browser downloaded, saved on disk. */
async function exportDownload(page: Page): Promise<{ name: string; path: string }> {
  const [d]: [Download, void] = await Promise.all([
    page.waitForEvent('download', { timeout: 120_000 }),
    page.getByTestId('export-start').click(),
  ]);
  const path = join(tmp, `${Date.now()}-${d.suggestedFilename()}`);
  await d.saveAs(path);
  await page.getByTestId('export-done').waitFor();
  return { name: d.suggestedFilename(), path };
}

/** Names of the files under a folder at the top of the page's OPFS ([] when there is none). */
async function opfsFiles(page: Page, root: string): Promise<string[]> {
  return page.evaluate(async (root) => {
    const out: string[] = [];
    let top: FileSystemDirectoryHandle;
    try {
      top = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
    } catch {
      return out;
    }
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
      const entries = (
        dir as FileSystemDirectoryHandle & {
          entries(): AsyncIterable<[string, FileSystemHandle]>;
        }
      ).entries();
      for await (const [name, h] of entries)
        if (h.kind === 'directory') await walk(h as FileSystemDirectoryHandle, `${prefix}${name}/`);
        else out.push(`${prefix}${name}`);
    };
    await walk(top, '');
    return out.sort();
  }, root);
}

/** sales → filter price > 2 → target; and sales → a SQL node of 30 million rows, slow to export. */
function salesJob(): Job {
  return {
    ...newJob('exports'),
    nodes: [
      {
        id: 'sales',
        kind: 'catalog-source',
        name: 'sales',
        options: { database: 'warehouse', table: 'lake_files_sales' },
      },
      {
        id: 'dear',
        kind: 'filter',
        name: 'price > 2',
        options: {
          filter: {
            combine: 'AND',
            clauses: [{ column: 'price', op: 'GT', value: { kind: 'constant', value: '2' } }],
          },
        },
      },
      {
        id: 'many',
        kind: 'sql-query',
        name: 'many rows',
        options: {
          query: 'SELECT i, md5(i::VARCHAR) AS h FROM range(30000000) t(i)',
          aliases: {},
        },
      },
      {
        id: 'out',
        kind: 'target',
        name: 'out',
        options: {
          format: { kind: 'csv' },
          partitionKeys: [],
          destination: 'download',
          path: 'out',
        },
      },
    ],
    edges: [
      { from: 'sales', to: 'dear', port: 0 },
      { from: 'sales', to: 'many', port: 0 },
      { from: 'dear', to: 'out', port: 0 },
    ],
  };
}

async function previewNode(page: Page, id: string) {
  await page
    .locator(`.svelte-flow__node[data-id="${id}"]`)
    .locator('[data-testid=job-node]')
    .click({ position: { x: 60, y: 12 } });
  await page.getByTestId('node-panel').getByTestId('preview-node').click();
  await page.getByTestId('preview-meta').waitFor({ timeout: 60_000 });
}

const SALES_ROWS = [
  '1 a 1.5 2024 01',
  '2 b 2.5 2024 01',
  '3 c 3.5 2024 02',
  '4 d 4.5 2025 01',
  '5 e 5.5 2025 01',
];
const salesQuery = `SELECT id, sku, price, year, month FROM ${TABLE} ORDER BY id`;

describe('Exports and Parquet kept for the catalog, in Chromium', () => {
  it('exports a catalog table as a Parquet download that native DuckDB reads whole', async () => {
    const { page } = app;
    await crawlSalesFolder(page, `${app.url}/`);
    await page.goto(tablePage());
    await page.getByTestId('export-data').click();
    expect(await page.getByTestId('export-compression').inputValue()).toBe('zstd');
    const d = await exportDownload(page);
    expect(d.name).toBe('lake_files_sales.parquet');
    const read = await nativeRead(`read_parquet(${quoteLiteral(d.path)})`);
    expect(read.columns.map((c) => c[0])).toEqual(['id', 'sku', 'price', 'year', 'month']);
    expect(
      read.rows.map((r) => [r.id, r.sku, r.price, r.year, r.month].map(String).join(' ')).sort(),
    ).toEqual(SALES_ROWS);
  });

  it('exports a query result as NDJSON and as CSV, re-run in the engine', async () => {
    const { page } = app;
    await queryRows(page, app.url, `SELECT id, sku FROM ${TABLE} WHERE id > 3 ORDER BY id`);
    await page.getByTestId('export-result').click();
    await page.getByTestId('export-format-ndjson').check();
    const nd = await exportDownload(page);
    expect(nd.name).toBe('query-result.ndjson');
    expect(readFileSync(nd.path, 'utf8')).toBe('{"id":4,"sku":"d"}\n{"id":5,"sku":"e"}\n');
    await page.getByTestId('export-format-csv').check();
    const csv = await exportDownload(page);
    expect(csv.name).toBe('query-result.csv');
    expect(readFileSync(csv.path, 'utf8')).toBe('id,sku\n4,d\n5,e\n');
    await page.getByTestId('export-close').click();
  });

  it('a query that cannot be re-run for the export says where it fails', async () => {
    const { page } = app;
    // EXPLAIN answers in the Query area, but is no SELECT the export can run again.
    await queryRows(page, app.url, 'EXPLAIN SELECT 1');
    await page.getByTestId('export-result').click();
    await page.getByTestId('export-start').click();
    await expect
      .poll(() => page.getByTestId('export-problem').innerText(), { timeout: 60_000 })
      .toMatch(/^export: the query cannot be read: .*(syntax|Parser)/i);
    await page.getByTestId('export-close').click();
  });

  it('exports a job node (all its rows, not the sample) as CSV from the preview panel', async () => {
    const { page } = app;
    await saveJobInPage(page, salesJob());
    await page.goto(`${app.url}/#/jobs/exports`);
    await page.reload();
    await previewNode(page, 'dear');
    await page.getByTestId('export-preview').click();
    await page.getByTestId('export-format-csv').check();
    const d = await exportDownload(page);
    expect(d.name).toBe('exports-price _ 2.csv');
    const lines = readFileSync(d.path, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('id,sku,price,year,month');
    expect(lines.slice(1).sort()).toEqual([
      '2,b,2.5,2024,01',
      '3,c,3.5,2024,02',
      '4,d,4.5,2025,01',
      '5,e,5.5,2025,01',
    ]);
    await page.getByTestId('export-close').click();
  });

  it('a cancelled export into the browser storage stops and leaves no file', async () => {
    const { page } = app;
    await previewNode(page, 'many');
    await page.getByTestId('export-preview').click();
    await page.getByTestId('export-to-opfs').check();
    await page.getByTestId('export-start').click();
    await expect
      .poll(() => page.getByTestId('export-progress').innerText(), { timeout: 60_000 })
      .not.toMatch(/Writing… 0 rows/);
    await page.getByTestId('export-cancel').click();
    await expect
      .poll(() => page.getByTestId('export-problem').innerText(), { timeout: 60_000 })
      .toBe('Cancelled: nothing was written.');
    expect(await opfsFiles(page, 'exports')).toEqual([]);
    // The engine is free again: a query answers.
    expect(cellsOf(await queryRows(page, app.url, 'SELECT 41 + 1 AS n'))).toEqual(['42']);
  });

  it('materializes the crawled CSV table as Parquet: same rows, then and after a reload', async () => {
    const { page } = app;
    const before = cellsOf(await queryRows(page, app.url, salesQuery));
    expect(before).toEqual(SALES_ROWS);
    await page.goto(tablePage());
    expect(await page.getByTestId('table-detail').locator('header .meta').innerText()).toMatch(
      /^CSV/,
    );
    await page.getByTestId('open-materialize').click();
    await page.getByTestId('materialize-start').click();
    await page
      .locator('[data-testid=materialize-done], [data-testid=materialize-problem]')
      .first()
      .waitFor({ timeout: 120_000 });
    const problem = page.getByTestId('materialize-problem');
    expect(await problem.count(), (await problem.allInnerTexts()).join()).toBe(0);
    await expect
      .poll(() => page.getByTestId('table-detail').locator('header .meta').innerText())
      .toMatch(/^PARQUET · version 2/);
    const kept = await opfsFiles(page, 'decant-parquet');
    expect(kept.map((f) => f.replace(/[^/]*\/[^/]*\/(.*)\/part-.*$/, '$1')).sort()).toEqual([
      'year=2024/month=01',
      'year=2024/month=02',
      'year=2025/month=01',
    ]);
    expect(cellsOf(await queryRows(page, app.url, salesQuery))).toEqual(before);
    await page.reload();
    await page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor();
    await page.goto(tablePage());
    await expect
      .poll(() => page.getByTestId('table-detail').locator('header .meta').innerText())
      .toMatch(/^PARQUET/);
    expect(cellsOf(await queryRows(page, app.url, salesQuery))).toEqual(before);

    // The CSV definition was archived: Restore reads the CSV files again, same rows.
    await page.goto(tablePage());
    await page.getByTestId('tab-versions').click();
    expect(await page.getByTestId('versions').innerText()).toContain('materialized as Parquet');
    await page.getByTestId('restore-version').first().click();
    await expect
      .poll(() => page.getByTestId('table-detail').locator('header .meta').innerText())
      .toMatch(/^CSV · version 3/);
    expect(cellsOf(await queryRows(page, app.url, salesQuery))).toEqual(before);
  });

  it('Quick convert → Add to catalog registers the Parquet output, queryable after a reload', async () => {
    const { page } = app;
    await page.goto(`${app.url}/#/convert`);
    await page.getByTestId('file-input').setInputFiles([fixturePath('events.tsv')]);
    expect(await settled(page, 'events.tsv', ['ready', 'failed'])).toBe('ready');
    const c = card(page, 'events.tsv');
    // Not converted yet: Add converts first.
    await c.getByTestId('add-to-catalog').click();
    await c.getByTestId('add-database').fill('converted');
    await c.getByTestId('add-table').fill('events');
    await c.getByTestId('confirm-add').click();
    await c
      .locator('[data-testid=open-in-catalog], [data-testid=add-problem]')
      .first()
      .waitFor({ timeout: 120_000 });
    expect(await c.getByTestId('add-problem').count()).toBe(0);
    expect(await settled(page, 'events.tsv', ['done'])).toBe('done');
    await page.reload();
    await page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor();
    await page.goto(`${app.url}/#/catalog/converted/events`);
    const meta = page.getByTestId('table-detail').locator('header .meta');
    await expect.poll(() => meta.innerText()).toMatch(/^PARQUET/);
    expect(await meta.innerText()).toMatch(/events\.parquet \(copy in this browser\)/);
    const rows = cellsOf(
      await queryRows(
        page,
        app.url,
        'SELECT count(*) AS n, sum(user_id) AS s, max(ts) AS t FROM converted.events',
      ),
    );
    expect(rows).toEqual(['3 35 2024-03-02 23:59:59']);
  });

  it("exports into a picked folder, and keeps an added table's Parquet in one (a stand-in picker)", async () => {
    const { page } = app;
    // Headless Chromium shows no picker: it answers with a folder the test can read back.
    const pick = () =>
      page.evaluate(() => {
        (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker = async () =>
          (await navigator.storage.getDirectory()).getDirectoryHandle('picked', { create: true });
      });
    await page.goto(`${app.url}/#/convert`);
    await pick();
    await page
      .getByTestId('file-input')
      .setInputFiles([fixturePath('semicolon-decimal-comma.csv')]);
    expect(await settled(page, 'semicolon-decimal-comma.csv', ['ready', 'failed'])).toBe('ready');
    const c = card(page, 'semicolon-decimal-comma.csv');
    await c.getByTestId('add-to-catalog').click();
    await c.getByTestId('add-database').fill('converted');
    await c.getByTestId('add-table').fill('groceries');
    await c.getByTestId('keep-in-folder').check();
    await c.getByRole('button', { name: 'Pick a folder…' }).click();
    await c.getByText('picked/').waitFor();
    await c.getByTestId('confirm-add').click();
    await c
      .locator('[data-testid=open-in-catalog], [data-testid=add-problem]')
      .first()
      .waitFor({ timeout: 120_000 });
    expect(await c.getByTestId('add-problem').count()).toBe(0);
    expect(await opfsFiles(page, 'picked')).toEqual(['semicolon-decimal-comma.parquet']);

    await page.reload();
    await page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor();
    await page.goto(`${app.url}/#/catalog/converted/groceries`);
    const meta = page.getByTestId('table-detail').locator('header .meta');
    await expect.poll(() => meta.innerText()).toMatch(/^PARQUET/);
    expect(await meta.innerText()).toMatch(/semicolon-decimal-comma\.parquet \(your file\)/);
    expect(
      cellsOf(
        await queryRows(page, app.url, 'SELECT count(*), sum(menge) FROM converted.groceries'),
      ),
    ).toEqual(['3 15']);

    // The table exported into the same folder, next to its Parquet.
    await page.goto(`${app.url}/#/catalog/converted/groceries`);
    await pick();
    await page.getByTestId('export-data').click();
    await page.getByTestId('export-format-ndjson').check();
    await page.getByTestId('export-to-folder').check();
    await page.getByTestId('export-pick').click();
    await page.getByTestId('export-dialog').getByText('picked/').waitFor();
    await page.getByTestId('export-start').click();
    await expect
      .poll(() => page.getByTestId('export-done').innerText())
      .toContain('folder:picked/groceries.ndjson');
    expect(await opfsFiles(page, 'picked')).toEqual([
      'groceries.ndjson',
      'semicolon-decimal-comma.parquet',
    ]);
    await page.getByTestId('export-close').click();
  });

  it('uploads an export to S3 with the credentials form; cancel aborts; a denial is named', async () => {
    const { page } = app;
    // Parts of 1 KiB (the share dialog's test hook), so a small export goes by multipart.
    await page.goto(`${app.url}/?s3PartSize=1024#/catalog/warehouse/lake_files_sales`);
    await page.getByTestId('export-data').click();
    const dialog = page.getByTestId('export-dialog');
    await page.getByTestId('export-to-s3').check();
    const form = dialog.getByTestId('s3-credentials');
    await form.getByTestId('s3-key').fill(TEMP.accessKeyId);
    await form.getByTestId('s3-secret').fill(TEMP.secretAccessKey);
    await form.getByTestId('s3-token').fill(TEMP.sessionToken);
    await form.getByTestId('s3-region').fill(REGION);
    await form.getByTestId('s3-bucket').fill(`s3://${BUCKET}/tables/`);
    await form.getByTestId('s3-endpoint').fill(stack.proxy);
    await form.getByTestId('s3-use').click();
    await form.getByTestId('s3-access').waitFor();
    expect(await page.getByTestId('export-s3-url').getAttribute('placeholder')).toBe(
      `s3://${BUCKET}/tables/`,
    );
    await page.getByTestId('export-start').click();
    await expect
      .poll(() => page.getByTestId('export-done').innerText(), { timeout: 120_000 })
      .toContain(`s3://${BUCKET}/tables/lake_files_sales.parquet`);
    const bytes = await storedObject('tables/lake_files_sales.parquet');
    const path = join(tmp, 's3-lake_files_sales.parquet');
    writeFileSync(path, bytes!);
    const read = await nativeRead(`read_parquet(${quoteLiteral(path)})`);
    expect(
      read.rows.map((r) => [r.id, r.sku, r.price, r.year, r.month].map(String).join(' ')).sort(),
    ).toEqual(SALES_ROWS);
    await page.getByTestId('export-close').click();

    // A query result of ~2 MB: about two thousand 1 KiB parts, cancelled while they go.
    // In the same page (a reload would drop the credentials, held in memory only).
    await page.evaluate(() => void (location.hash = '#/query'));
    const editor = page.getByTestId('sql-editor');
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    await editor.fill('SELECT range AS i, md5(range::VARCHAR) AS h FROM range(50000)');
    await page.getByTestId('run-sql').click();
    await page.getByTestId('sql-meta').waitFor({ timeout: 60_000 });
    await page.getByTestId('export-result').click();
    await page.getByTestId('export-format-csv').check();
    // The credentials are held: nothing to re-enter.
    await page.getByTestId('export-to-s3').check();
    await dialog.getByTestId('s3-access').waitFor();
    await page.getByTestId('export-s3-url').fill(`s3://${BUCKET}/results/`);
    await stack.reset();
    await page.getByTestId('export-start').click();
    await expect
      .poll(() => page.getByTestId('export-progress').innerText(), { timeout: 120_000 })
      .toMatch(/^Uploading… [1-9]/);
    await page.getByTestId('export-cancel').click();
    await expect
      .poll(() => page.getByTestId('export-problem').innerText(), { timeout: 60_000 })
      .toBe('Cancelled: nothing was written.');
    expect((await stack.log()).map((e) => `${e.method} ${e.status}`)).toContain('DELETE 204');
    expect(await multipartUploads()).toEqual([]);
    expect(await storedObject('results/query-result.csv')).toBeNull();

    // A prefix the credentials may not write to: the permission is named.
    await page.getByTestId('export-format-parquet').check();
    await page.getByTestId('export-s3-url').fill(`s3://${BUCKET}/locked/`);
    await page.getByTestId('export-start').click();
    await expect
      .poll(() => page.getByTestId('export-problem').innerText(), { timeout: 60_000 })
      .toMatch(
        /^export: S3 denied (PutObject|CreateMultipartUpload) on exports\/locked\/query-result\.parquet \(AccessDenied\): the credentials need s3:PutObject/,
      );
    await page.getByTestId('export-close').click();
    // Uploaded, cancelled or denied, each export's scratch file went with it (the downloads'
    // of the tests before go after their grace period, which this waits out).
    await expect.poll(() => scratchNames(page), { timeout: 180_000, interval: 1000 }).toEqual([]);
  }, 300_000);
});
