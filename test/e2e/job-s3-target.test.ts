import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { AwsClient } from 'aws4fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';
import { newJob, type Job } from '../../src/jobs/model';
import { fixturePath } from '../support/fixtures';
import { crawlSalesFolder } from '../support/e2e-jobs';
import { nativeRead } from '../support/native-duckdb';
import { saveJobInPage, storedJson } from '../support/page-storage';
import { corsXml, startS3Stack, type S3Stack } from '../support/s3-stack';
import { cellsOf, openApp, type AppPage } from './app-page';

/**
 * A job whose target is Amazon S3, in Chromium against s3rver behind the SigV4-verifying proxy:
 * the target's form (s3:// location, region, endpoint, the credentials), the saved job holding
 * no secret; a run without credentials failing at once; a run partitioned by year whose objects
 * native DuckDB reads to the same count and sums as the source, registered in the catalog as
 * an S3 table and queried there; a denied PutObject named; a cancel leaving no multipart upload.
 */

let app: AppPage;
let stack: S3Stack;
const tmp = mkdtempSync(join(tmpdir(), 'decant-e2e-s3-target-'));
const BUCKET = 'lake';
const REGION = 'us-east-1';
const TEMP = {
  accessKeyId: 'ASIAE2EJOBS3TARGET1',
  secretAccessKey: 'e2e-s3-target-secret-never-shown',
  sessionToken: 'e2e-s3-target-token-never-shown',
};
const SECRETS = /never-shown/;
const JOB = 's3 sales';

/** Uploads (PUT/POST/DELETE, ETag exposed) and the catalog's signed range reads. */
const corsRule = (origin: string) => ({
  AllowedOrigins: [origin],
  AllowedMethods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
  AllowedHeaders: ['*'],
  ExposeHeaders: ['ETag', 'Content-Length', 'Content-Range', 'Last-Modified'],
  MaxAgeSeconds: 3000,
});

const rules = (over: { delayPartsMs?: number } = {}) => ({
  region: REGION,
  credentials: {
    [TEMP.accessKeyId]: { secret: TEMP.secretAccessKey, token: TEMP.sessionToken },
  },
  denyWrites: [`${BUCKET}/locked/`],
  ...over,
});

/** The app with parts of 1 KiB (the share dialog's test hook): every file goes by multipart. */
const base = () => `${app.url}/?s3PartSize=1024`;

beforeAll(async () => {
  app = await openApp();
  stack = await startS3Stack([{ name: BUCKET, cors: corsXml(corsRule(new URL(app.url).origin)) }]);
  await stack.setRules(rules());
}, 240_000);
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

/** Keys under `prefix`, from s3rver itself. */
async function keysUnder(prefix: string): Promise<string[]> {
  const res = await fetch(`${stack.server}/${BUCKET}?list-type=2&prefix=${prefix}`);
  return [...(await res.text()).matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]!).sort();
}

/** sales → a target written to the browser's storage, to be switched to S3 in the form. */
function salesJob(): Job {
  return {
    ...newJob(JOB),
    nodes: [
      {
        id: 'sales',
        kind: 'catalog-source',
        name: 'sales',
        options: { database: 'warehouse', table: 'lake_files_sales' },
      },
      {
        id: 'out',
        kind: 'target',
        name: 'to s3',
        options: {
          format: { kind: 'parquet' },
          partitionKeys: ['year'],
          destination: 'opfs',
          catalog: { database: 'lake_out', table: 'sales_s3' },
        },
      },
    ],
    edges: [{ from: 'sales', to: 'out', port: 0 }],
  };
}

const panel = (page: Page) => page.getByTestId('node-panel');

/** Opens the job's editor with the target's panel shown. */
async function openTarget(page: Page) {
  await page.goto(`${base()}#/jobs/${encodeURIComponent(JOB)}`);
  await page.getByTestId('job-canvas').waitFor({ timeout: 60_000 });
  await expect
    .poll(
      async () => {
        const shown = await panel(page)
          .locator('code')
          .first()
          .innerText({ timeout: 2_000 })
          .catch(() => '');
        if (shown === 'out') return shown;
        await page
          .locator('.svelte-flow__node[data-id="out"] [data-testid=job-node]')
          .click({ position: { x: 60, y: 12 } });
        return panel(page)
          .locator('code')
          .first()
          .innerText({ timeout: 5_000 })
          .catch(() => '');
      },
      { timeout: 60_000 },
    )
    .toBe('out');
}

async function setLocation(page: Page, uri: string) {
  await panel(page).getByLabel('S3 location', { exact: true }).fill(uri);
  await page.getByTestId('save-job').click();
  await expect
    .poll(() => page.getByTestId('editor-message').innerText())
    .toMatch(/^Saved version \d+\.$/);
}

/** Runs the saved job from its page; resolves on its run page once final, with its state. */
async function runToEnd(page: Page): Promise<string> {
  await startRun(page);
  const state = page.getByTestId('run-state');
  await expect
    .poll(() => state.innerText(), { timeout: 120_000 })
    .toMatch(/^(SUCCEEDED|FAILED|STOPPED|TIMEOUT)$/);
  return state.innerText();
}

async function startRun(page: Page): Promise<string> {
  await page.getByTestId('run-job').click();
  const link = page.getByTestId('job-runs-tab').locator('a[href*="/runs/"]').first();
  await link.waitFor({ timeout: 60_000 });
  const href = (await link.getAttribute('href'))!;
  // In the same document: a reload would drop the credentials, held in memory only.
  await page.evaluate((h) => void (location.hash = h.slice(h.indexOf('#'))), href);
  await page.getByTestId('job-run').waitFor();
  return decodeURIComponent(href.split('/runs/')[1]!);
}

describe('A job target that writes to Amazon S3', () => {
  it('is set in the target’s form; the saved job keeps no secret; without credentials a run fails at once', async () => {
    const { page } = app;
    await crawlSalesFolder(page, base());
    await saveJobInPage(page, salesJob());
    // The app reads saved jobs as it opens.
    await page.reload();
    await openTarget(page);
    await panel(page).getByLabel('Write to', { exact: true }).selectOption('s3');
    const uri = panel(page).getByLabel('S3 location', { exact: true });
    // Checked as typed: no s3:// at all, then a bucket S3 would refuse.
    await uri.fill('lake/daily/sales/');
    await expect
      .poll(() => panel(page).getByRole('alert').first().innerText())
      .toMatch(/An S3 location starts with s3:\/\//);
    await uri.fill('s3://Lake_Bad/daily/sales/');
    await expect
      .poll(() => page.getByTestId('node-panel-problems').innerText())
      .toMatch(/"Lake_Bad" is not an S3 bucket name/);
    await uri.fill(`s3://${BUCKET}/daily/sales/`);
    await panel(page).getByLabel('Region', { exact: true }).fill(REGION);
    await panel(page)
      .getByLabel('S3-compatible endpoint (empty: AWS)', { exact: true })
      .fill(stack.proxy);
    await expect.poll(() => page.getByTestId('node-panel-problems').count()).toBe(0);
    await page.getByTestId('save-job').click();
    await expect
      .poll(() => page.getByTestId('editor-message').innerText())
      .toBe('Saved version 2.');

    const saved = JSON.parse(await storedJson(page)) as {
      jobs: { name: string; job: Job }[];
    };
    const target = saved.jobs.find((j) => j.name === JOB)!.job.nodes.find((n) => n.id === 'out');
    expect(target?.options).toEqual({
      format: { kind: 'parquet' },
      partitionKeys: ['year'],
      destination: 's3',
      catalog: { database: 'lake_out', table: 'sales_s3' },
      s3: { bucket: BUCKET, prefix: 'daily/sales/', region: REGION, endpoint: stack.proxy },
    });

    await stack.reset();
    expect(await runToEnd(page)).toBe('FAILED');
    expect(await page.getByTestId('run-error').innerText()).toMatch(
      /job: target "to s3" writes to Amazon S3, but no AWS credentials are held in this tab: enter them, or unlock the saved ones/,
    );
    // Before any engine work: no S3 request, no SQL run.
    expect(await stack.log()).toEqual([]);
  });

  it('uploads every partition folder; the objects give the source’s count and sums; the catalog reads them', async () => {
    const { page } = app;
    await openTarget(page);
    const form = panel(page).getByTestId('s3-credentials');
    await form.getByTestId('s3-key').fill(TEMP.accessKeyId);
    await form.getByTestId('s3-secret').fill(TEMP.secretAccessKey);
    await form.getByTestId('s3-token').fill(TEMP.sessionToken);
    await form.getByTestId('s3-use').click();
    await form.getByTestId('s3-access').waitFor();

    expect(await runToEnd(page)).toBe('SUCCEEDED');
    const targets = await page.getByTestId('run-targets').innerText();
    expect(targets).toContain(`s3://${BUCKET}/daily/sales/`);
    expect(targets).toContain('lake_out.sales_s3');
    // Multipart (parts of 1 KiB), completed: nothing left in progress.
    const log = (await stack.log()).map((e) => e.method);
    expect(log).toContain('POST');
    expect(await multipartUploads()).toEqual([]);

    const keys = await keysUnder('daily/sales/');
    expect([...new Set(keys.map((k) => k.split('/').slice(0, 3).join('/')))]).toEqual([
      'daily/sales/year=2024',
      'daily/sales/year=2025',
    ]);
    expect(keys.every((k) => /\/part-jr_[^/]+-\d{5}\.parquet$/.test(k))).toBe(true);
    const dir = join(tmp, 'downloaded');
    for (const k of keys) {
      const res = await fetch(`${stack.server}/${BUCKET}/${k}`);
      mkdirSync(dirname(join(dir, k)), { recursive: true });
      writeFileSync(join(dir, k), new Uint8Array(await res.arrayBuffer()));
    }
    const summary = 'count(*)::INT AS n, sum(price) AS total, sum(year)::INT AS years';
    const uploaded = await nativeRead(
      `(SELECT ${summary} FROM read_parquet(${quoteLiteral(`${dir}/**/*.parquet`)}, hive_partitioning = true))`,
    );
    const source = await nativeRead(
      `(SELECT ${summary} FROM read_csv(${quoteLiteral(`${fixturePath('sales')}/**/*.csv`)}, hive_partitioning = true))`,
    );
    expect(uploaded.rows).toEqual(source.rows);
    expect(Number(source.rows[0]!.n)).toBeGreaterThan(0);

    // Registered as an S3 table (no URL, no secret kept) and queried with the tab's credentials.
    const stored = await storedJson(page);
    expect(stored).not.toMatch(SECRETS);
    const tables = (
      JSON.parse(stored) as { tables: { name: string; sources: { kind: string }[] }[] }
    ).tables;
    const table = tables.find((t) => t.name === 'sales_s3')!;
    expect(table.sources.map((s) => s.kind)).toEqual(keys.map(() => 's3'));
    await page.evaluate(() => void (location.hash = '#/query'));
    const editor = page.getByTestId('sql-editor');
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    await editor.fill('SELECT count(*) AS n, sum(year) AS years FROM lake_out.sales_s3');
    await page.getByTestId('run-sql').click();
    await page
      .locator('[data-testid=sql-meta], [data-testid=sql-error]')
      .first()
      .waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('sql-error').count()).toBe(0);
    const grid = page.getByTestId('virtual-grid');
    await expect.poll(() => grid.innerText()).not.toContain('…');
    const rows = await grid.locator('[data-row]').allInnerTexts();
    expect(cellsOf(rows)).toEqual([`${source.rows[0]!.n} ${source.rows[0]!.years}`]);
  });

  it('a denied PutObject names s3:PutObject and the ARN', async () => {
    const { page } = app;
    await openTarget(page);
    await setLocation(page, `s3://${BUCKET}/locked/sales/`);
    expect(await runToEnd(page)).toBe('FAILED');
    const error = await page.getByTestId('run-error').innerText();
    expect(error).toMatch(
      /S3 denied (PutObject|CreateMultipartUpload) on lake\/locked\/sales\/year=2024\/part-\S+\.parquet \(AccessDenied\): the credentials need s3:PutObject on arn:aws:s3:::lake\/locked\/sales\/year=2024\/part-/,
    );
    expect(error).not.toMatch(SECRETS);
    expect(await keysUnder('locked/')).toEqual([]);
  });

  it('cancel while parts go aborts the multipart upload: none is left', async () => {
    const { page } = app;
    // Each part waits in the proxy, so the upload is still going when Cancel is clicked.
    await stack.setRules(rules({ delayPartsMs: 1500 }));
    await openTarget(page);
    await setLocation(page, `s3://${BUCKET}/slow/`);
    await stack.reset();
    await startRun(page);
    await expect
      .poll(() => page.getByTestId('run-progress').innerText(), { timeout: 120_000 })
      .toMatch(/uploading file 1 of \d+ to s3:\/\/lake\/slow\/year=2024\//);
    // The multipart upload has begun (S3 answered CreateMultipartUpload): there is one to abort.
    await expect
      .poll(
        async () =>
          (await stack.log()).some(
            (e) => e.method === 'POST' && e.status === 200 && e.path.startsWith(`/${BUCKET}/slow/`),
          ),
        { timeout: 60_000 },
      )
      .toBe(true);
    await page.getByTestId('run-cancel').click();
    await expect
      .poll(() => page.getByTestId('run-state').innerText(), { timeout: 60_000 })
      .toBe('STOPPED');
    expect((await stack.log()).map((e) => `${e.method} ${e.status}`)).toContain('DELETE 204');
    expect(await multipartUploads()).toEqual([]);
    expect(await keysUnder('slow/')).toEqual([]);
    await stack.setRules(rules());
  });
});
