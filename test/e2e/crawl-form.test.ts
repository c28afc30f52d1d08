// Issue 11 item 2: a new crawl starts clean after one is written; editing a saved crawler is an
// explicit Edit; the plan lists every table a run changes, deprecations included.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, type AppPage } from './app-page';
import { fixturePath } from '../support/fixtures';
import { putOpfs, removeOpfs } from '../support/page-storage';

let app: AppPage;

beforeAll(async () => {
  app = await openApp();
});
afterAll(async () => {
  await app?.browser.close();
});

const text = (path: string) => readFileSync(fixturePath(path), 'utf8');

async function chooseKept(page: Page, folder: string) {
  const select = page.getByTestId('crawl-opfs-folder');
  await select.focus();
  await expect.poll(() => select.locator('option').allInnerTexts()).toContain(folder);
  await select.selectOption(folder);
  await page.getByTestId('crawl-found').waitFor();
}

async function plan(page: Page) {
  await page.getByTestId('run-crawl').click();
  await page
    .locator('[data-testid=crawl-plan], [data-testid=crawl-error]')
    .first()
    .waitFor({ timeout: 60_000 });
}

async function write(page: Page) {
  await page.getByTestId('commit-crawl').click();
  await page
    .locator('[data-testid=crawl-committed], [data-testid=crawl-error]')
    .first()
    .waitFor({ timeout: 60_000 });
  if (await page.getByTestId('crawl-error').count())
    throw new Error(await page.getByTestId('crawl-error').innerText());
}

describe('The Crawlers form in Chromium', () => {
  it('starts a new crawl clean after writing one, and edits a saved crawler only when asked', async () => {
    const { page } = app;
    await putOpfs(page, 'first', {
      'sales/year=2024/month=01/part-0.csv': text('sales/year=2024/month=01/part-0.csv'),
      'sales/year=2025/month=01/part-0.csv': text('sales/year=2025/month=01/part-0.csv'),
    });
    await putOpfs(page, 'second', {
      'logs/2024/01/data.csv': text('logs/2024/01/data.csv'),
      'logs/2024/02/data.csv': text('logs/2024/02/data.csv'),
    });

    // A first crawl, named: written, and its crawler saved with the folder.
    await page.goto(`${app.url}/#/crawl`);
    await expect.poll(() => page.getByTestId('crawl-form-title').innerText()).toBe('New crawl');
    await page.getByTestId('crawler-name').fill('vega');
    await page.getByTestId('crawl-database').fill('web');
    await chooseKept(page, 'first');
    await plan(page);
    expect(await page.getByTestId('plan-table').count()).toBe(1);
    await write(page);

    // The form is clean again: the next folder is a new crawl, not an addition to "vega".
    expect(await page.getByTestId('crawl-form-title').innerText()).toBe('New crawl');
    expect(await page.getByTestId('crawler-name').inputValue()).toBe('');
    expect(await page.getByTestId('crawler-sources').count()).toBe(0);
    await page.getByTestId('crawl-database').fill('web');
    await chooseKept(page, 'second');
    await plan(page);
    const rows = page.getByTestId('plan-table');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toMatch(/^web\.second\t/);
    expect(await page.getByTestId('plan-gone').count()).toBe(0);
    await write(page);

    // "vega" still reads its own folder only, and its table is not deprecated.
    await page.goto(`${app.url}/#/catalog/web/first_sales`);
    await page.getByRole('heading', { name: 'first_sales' }).first().waitFor();
    expect(await page.getByTestId('table-deprecated').count()).toBe(0);
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('edit-crawler').filter({ hasText: 'vega' }).click();
    await expect
      .poll(() => page.getByTestId('crawl-form-title').innerText())
      .toBe('Editing crawler vega');
    expect(await page.getByTestId('crawler-sources').innerText()).toContain('first/');
    expect(await page.getByTestId('crawler-sources').innerText()).not.toContain('second/');

    // Editing it: its files gone, the plan has a row for the table it will mark deprecated.
    await removeOpfs(page, 'first', 'sales');
    await putOpfs(page, 'first', { 'returns/r.csv': 'id,reason\n1,broken\n' });
    await plan(page);
    const gone = page.getByTestId('plan-gone');
    expect(await gone.count()).toBe(1);
    expect(await gone.innerText()).toMatch(/^web\.first_sales\t.*\tmarked deprecated$/);
    expect(await page.getByTestId('crawl-plan').locator('h2').innerText()).toContain(
      '1 earlier table(s) with no file left',
    );

    // A new crawl may not take a saved crawler's name: it would own that crawler's tables.
    await page.getByTestId('new-crawler').click();
    expect(await page.getByTestId('crawl-form-title').innerText()).toBe('New crawl');
    await page.getByTestId('crawler-name').fill('vega');
    await chooseKept(page, 'second');
    await plan(page);
    expect(await page.getByTestId('crawl-error').innerText()).toMatch(
      /^crawler: a crawler named "vega" is saved already/,
    );
  });
});
