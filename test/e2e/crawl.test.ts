import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, type AppPage, queryRows } from './app-page';
import { fixturePath } from '../support/fixtures';

let app: AppPage;

beforeAll(async () => {
  app = await openApp();
});
afterAll(async () => {
  await app?.browser.close();
});

async function crawl(page: Page, pick: () => Promise<void>, database: string) {
  await page.goto(`${app.url}/#/crawl`);
  await pick();
  await page.getByTestId('crawl-found').waitFor();
  await page.getByTestId('crawl-database').fill(database);
  await page.getByTestId('run-crawl').click();
  await page
    .locator('[data-testid=crawl-plan], [data-testid=crawl-error]')
    .first()
    .waitFor({ timeout: 60_000 });
  return page.getByTestId('plan-table');
}

const sql = (page: Page, text: string) => queryRows(page, app.url, text);

describe('Crawler in Chromium', () => {
  it('turns the hive-partitioned sales folder into one table with year and month', async () => {
    const { page } = app;
    const rows = await crawl(
      page,
      () => page.getByTestId('crawl-folder-input').setInputFiles(fixturePath('sales')),
      'lake',
    );
    expect(await rows.count()).toBe(1);
    const cells = (await rows.first().innerText()).split('\t');
    expect(cells[0]).toBe('lake.sales');
    expect(cells[2]).toBe('id BIGINT, sku VARCHAR, price DOUBLE');
    expect(cells[3]).toMatch(/^year (BIGINT|VARCHAR), month (BIGINT|VARCHAR)$/);
    expect(cells.slice(4)).toEqual(['3', '3', 'new table']);

    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();
    const got = await sql(
      page,
      'SELECT year, month, count(*) AS n FROM lake.sales GROUP BY ALL ORDER BY ALL',
    );
    // month=01 stays "01": a leading zero makes the key VARCHAR rather than silently 1.
    expect(got.map((r) => r.split(/\s+/).slice(1).join(' '))).toEqual([
      '2024 01 2',
      '2024 02 1',
      '2025 01 2',
    ]);
  });

  it('names plain folder levels partition_0 and partition_1 (logs)', async () => {
    const { page } = app;
    const rows = await crawl(
      page,
      () => page.getByTestId('crawl-folder-input').setInputFiles(fixturePath('logs')),
      'lake',
    );
    expect(await rows.count()).toBe(1);
    const cells = (await rows.first().innerText()).split('\t');
    expect(cells[0]).toBe('lake.logs');
    expect(cells[3]).toMatch(/^partition_0 \w+, partition_1 \w+$/);
    expect(cells[4]).toBe('2');
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();
    const got = await sql(
      page,
      'SELECT partition_0, partition_1, count(*) FROM lake.logs GROUP BY ALL ORDER BY ALL',
    );
    expect(got).toHaveLength(2);
    // Both runs are in the history, newest first.
    await page.goto(`${app.url}/#/crawl`);
    const runs = page.getByTestId('crawler-runs').locator('tbody tr');
    await expect.poll(() => runs.count()).toBeGreaterThanOrEqual(2);
    expect(await runs.first().innerText()).toMatch(/folder crawl\s+SUCCEEDED\s+logs\s/);
  });

  it('classifies newline-delimited JSON with nested fields and a late field', async () => {
    const { page } = app;
    const rows = await crawl(
      page,
      () => page.getByTestId('crawl-files-input').setInputFiles(fixturePath('orders.ndjson')),
      'lake',
    );
    const cells = (await rows.first().innerText()).split('\t');
    expect(cells[1]).toBe('JSON');
    expect(cells[2]).toBe(
      'order_id BIGINT, customer STRUCT(id BIGINT, email VARCHAR), items STRUCT(sku VARCHAR, qty BIGINT)[], total DOUBLE, coupon VARCHAR',
    );
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();
    const got = await sql(
      page,
      'SELECT order_id, len(items) AS n, coupon IS NOT NULL AS has_coupon FROM lake.orders ORDER BY 1',
    );
    expect(got.map((r) => r.split(/\s+/).slice(1).join(' '))).toEqual([
      expect.stringMatching(/ false$/),
      expect.stringMatching(/ false$/),
      expect.stringMatching(/ true$/),
    ]);
  });

  it('reads every CSV whole before trusting its types: late-string.csv gets code VARCHAR', async () => {
    const { page } = app;
    const rows = await crawl(
      page,
      () => page.getByTestId('crawl-files-input').setInputFiles(fixturePath('late-string.csv')),
      'lake',
    );
    const cells = (await rows.first().innerText()).split('\t');
    expect(cells[2]).toBe('id BIGINT, code VARCHAR');
    expect(await page.getByTestId('crawl-notes').innerText()).toContain(
      'late-string.csv: column "code" written as text (VARCHAR): line 30002',
    );
  });

  it('cancels a crawl of many files: nothing is written, the run is recorded as CANCELLED', async () => {
    const { page } = app;
    const dir = mkdtempSync(join(tmpdir(), 'decant-cancel-'));
    for (let d = 0; d < 50; d++) {
      mkdirSync(join(dir, 'many', `d=${d}`), { recursive: true });
      for (let i = 0; i < 100; i++)
        writeFileSync(join(dir, 'many', `d=${d}`, `f${i}.csv`), `a,b\n${i},x\n`);
    }
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('crawl-folder-input').setInputFiles(join(dir, 'many'));
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('cancelled');
    await page.getByTestId('run-crawl').click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect
      .poll(() => page.getByTestId('crawl-error').innerText())
      .toBe('crawler: cancelled; nothing was written');
    await expect
      .poll(() => page.getByTestId('crawler-run').first().innerText())
      .toMatch(/folder crawl\s+CANCELLED/);
    expect(await page.getByTestId('crawl-plan').count()).toBe(0);
  });

  it('made no request outside its own origin', () => {
    expect(app.foreignRequests).toEqual([]);
  });
});
