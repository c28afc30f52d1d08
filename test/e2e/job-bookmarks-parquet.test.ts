// Job bookmarks over a Parquet catalog table: the engine cannot pick such a table's files by
// name, so a run loads the files its bookmark has not seen into a table of their own.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DuckDBInstance } from '@duckdb/node-api';
import { newJob, type Job } from '../../src/jobs/model';
import { putOpfsBytes, readOpfsText, saveJobInPage } from '../support/page-storage';
import { openApp, type AppPage } from './app-page';

let app: AppPage;
beforeAll(async () => {
  app = await openApp();
});
afterAll(async () => {
  await app?.browser.close();
});

/** A Parquet file of events `ids`, as base64, written by native DuckDB. */
async function parquet(ids: number[]): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'decant-pq-')), 'x.parquet');
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  await c.run(
    `COPY (SELECT unnest([${ids.join(',')}])::BIGINT AS id, 'e' || unnest([${ids.join(',')}]) AS name) ` +
      `TO '${path}' (FORMAT parquet)`,
  );
  c.closeSync();
  return readFileSync(path).toString('base64');
}

async function crawl(page: Page, create: boolean) {
  await page.goto(`${app.url}/#/crawl`);
  if (create) {
    await page.getByTestId('new-crawler').click();
    await page.getByTestId('crawler-name').fill('pq crawler');
    await page.getByTestId('crawl-database').fill('pq');
    const folder = page.getByTestId('crawl-opfs-folder');
    await folder.focus();
    await expect.poll(() => folder.locator('option').allInnerTexts()).toContain('events');
    await folder.selectOption('events');
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('save-crawler').click();
    await page.getByTestId('crawler-saved').waitFor();
  } else await page.getByRole('button', { name: 'pq crawler' }).click();
  await page.getByTestId('run-crawl').click();
  await page.getByTestId('crawl-plan').waitFor({ timeout: 60_000 });
  await page.getByTestId('commit-crawl').click();
  await page.getByTestId('crawl-committed').waitFor();
}

/** Runs the job from its page; the finished run's state and its CSV output. */
async function run(page: Page, runNo: number): Promise<{ state: string; csv: string | null }> {
  await page.goto(`${app.url}/#/jobs/${encodeURIComponent('pq job')}`);
  const links = page.getByTestId('job-runs-tab').locator('a[href*="/runs/"]');
  const hrefs = () => links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  const before = new Set(await hrefs());
  await page.getByTestId('run-job').click();
  let href = '';
  await expect
    .poll(async () => (href = (await hrefs()).find((h) => h && !before.has(h)) ?? ''), {
      timeout: 60_000,
    })
    .not.toBe('');
  const id = decodeURIComponent(href.split('/runs/')[1]!);
  await page.goto(`${app.url}/${href}`);
  const state = page.getByTestId('run-state');
  await expect
    .poll(() => state.innerText(), { timeout: 120_000 })
    .toMatch(/^(SUCCEEDED|FAILED|STOPPED|TIMEOUT)$/);
  expect(runNo).toBeGreaterThan(0);
  return {
    state: await state.innerText(),
    csv: await readOpfsText(page, 'pq-out', `part-${id}-00000.csv`),
  };
}

const job = (): Job => ({
  ...newJob('pq job'),
  bookmarks: 'enable',
  nodes: [
    {
      id: 'events',
      kind: 'catalog-source',
      name: 'events',
      options: { database: 'pq', table: 'events' },
    },
    {
      id: 'out',
      kind: 'target',
      name: 'out',
      options: {
        format: { kind: 'csv' },
        partitionKeys: [],
        destination: 'opfs',
        path: 'pq-out',
      },
    },
  ],
  edges: [{ from: 'events', to: 'out', port: 0 }],
});

describe('Job bookmarks over a Parquet table in Chromium', () => {
  it('the second run reads only the Parquet file added since the first', async () => {
    const { page } = app;
    await putOpfsBytes(page, 'events', {
      'day=1/part-0.parquet': await parquet([1, 2]),
      'day=2/part-0.parquet': await parquet([3]),
    });
    await crawl(page, true);
    await saveJobInPage(page, job());
    await page.reload();
    await page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor();

    const first = await run(page, 1);
    expect(first.state).toBe('SUCCEEDED');
    expect(first.csv?.trim().split('\n').slice(1).sort()).toEqual(['1,e1,1', '2,e2,1', '3,e3,2']);

    await putOpfsBytes(page, 'events', { 'day=3/part-0.parquet': await parquet([4, 5]) });
    await crawl(page, false);
    const second = await run(page, 2);
    expect(second.state).toBe('SUCCEEDED');
    expect(second.csv?.trim().split('\n').slice(1).sort()).toEqual(['4,e4,3', '5,e5,3']);
    expect(await page.getByTestId('source-files').innerText()).toBe('1');
  });
});
