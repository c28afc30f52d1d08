import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, type AppPage, queryRows, cellsOf } from './app-page';
import { salesFolderFiles } from '../support/e2e-jobs';
import { putOpfs, removeOpfs } from '../support/page-storage';

let app: AppPage;

beforeAll(async () => {
  app = await openApp();
});
afterAll(async () => {
  await app?.browser.close();
});

async function runPlan(page: Page) {
  await page.getByTestId('run-crawl').click();
  await page
    .locator('[data-testid=crawl-plan], [data-testid=crawl-error]')
    .first()
    .waitFor({ timeout: 60_000 });
  if (await page.getByTestId('crawl-error').count())
    throw new Error(await page.getByTestId('crawl-error').innerText());
}

const sql = (page: Page, text: string) => queryRows(page, app.url, text);

describe('A saved crawler in Chromium: recrawls with its policies', () => {
  it('crawls a folder kept in the browser, recrawls after a reload, applies the policies', async () => {
    const { page } = app;
    await putOpfs(page, 'lake-files', salesFolderFiles());

    // Save a crawler on that folder; its handle is kept.
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('new-crawler').click();
    await page.getByTestId('crawler-name').fill('sales crawler');
    await page.getByTestId('crawl-database').fill('warehouse');
    const folder = page.getByTestId('crawl-opfs-folder');
    await folder.focus();
    await expect.poll(() => folder.locator('option').allInnerTexts()).toContain('lake-files');
    await folder.selectOption('lake-files');
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('save-crawler').click();
    await expect
      .poll(() => page.getByTestId('crawler-sources').innerText())
      .toContain('lake-files/');
    await runPlan(page);
    const row = page.getByTestId('plan-table');
    expect((await row.first().innerText()).split('\t').slice(0, 1)).toEqual([
      'warehouse.lake_files_sales',
    ]);
    expect(await page.getByTestId('plan-change').first().innerText()).toBe('new table');
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();

    // After a reload, the saved crawler reads its folder again: a new month with a new column.
    await putOpfs(page, 'lake-files', {
      'sales/year=2025/month=02/part-0.csv': 'id,sku,price,note\n9,Z-9,1.5,late\n',
    });
    await page.reload();
    await page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor();
    await page.goto(`${app.url}/#/crawl`);
    await page.getByRole('button', { name: 'sales crawler' }).click();
    await runPlan(page);
    expect(await page.getByTestId('plan-change').first().innerText()).toBe('added "note"');
    expect((await row.first().innerText()).split('\t')[4]).toBe('4');
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();
    expect(
      cellsOf(
        await sql(
          page,
          'SELECT year, month, count(*), count(note) FROM warehouse.lake_files_sales GROUP BY ALL ORDER BY ALL',
        ),
      ),
    ).toEqual(['2024 01 2 0', '2024 02 1 0', '2025 01 2 0', '2025 02 1 1']);

    // Policy LOG: a further schema change is logged, not applied.
    await page.goto(`${app.url}/#/crawl`);
    await page.getByRole('button', { name: 'sales crawler' }).click();
    await page.getByTestId('policy-update').selectOption('LOG');
    await page.getByTestId('save-crawler').click();
    // Saved for real: after a reload the crawler still has the LOG policy.
    await page
      .locator('[data-testid=crawler-saved], [data-testid=crawler-problem]')
      .first()
      .waitFor();
    if (await page.getByTestId('crawler-problem').count())
      throw new Error(await page.getByTestId('crawler-problem').innerText());
    await page.reload();
    await page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor();
    await page.goto(`${app.url}/#/crawl`);
    await page.getByRole('button', { name: 'sales crawler' }).click();
    await expect.poll(() => page.getByTestId('policy-update').inputValue()).toBe('LOG');
    await putOpfs(page, 'lake-files', {
      'sales/year=2025/month=03/part-0.csv': 'id,sku,price,note,extra\n10,Z-10,2.5,x,y\n',
    });
    await runPlan(page);
    expect(await page.getByTestId('plan-change').first().innerText()).toMatch(
      /^not applied \(policy LOG\): added "extra"$/,
    );
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();
    await expect
      .poll(() => page.getByTestId('crawler-run').first().innerText())
      .toMatch(/sales crawler\s+SUCCEEDED/);

    // Files gone: the table is marked deprecated (the default), and the run says so.
    await removeOpfs(page, 'lake-files', 'sales');
    await putOpfs(page, 'lake-files', { 'returns/r.csv': 'id,reason\n1,broken\n' });
    await runPlan(page);
    expect(await page.getByTestId('crawl-gone').innerText()).toContain(
      'warehouse.lake_files_sales: its files are gone — it will be marked deprecated',
    );
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();
    await expect
      .poll(() => page.getByTestId('crawler-run').first().innerText())
      .toMatch(/sales crawler\s+SUCCEEDED\s+lake_files\s+—\s+lake_files_sales/);
    await page.goto(`${app.url}/#/catalog/warehouse/lake_files_sales`);
    await expect
      .poll(() => page.getByTestId('table-deprecated').innerText())
      .toMatch(/^Deprecated: crawler sales crawler found none of its files on /);
  });
});
