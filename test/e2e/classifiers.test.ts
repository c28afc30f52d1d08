import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, type AppPage, queryRows, cellsOf } from './app-page';
import { fixturePath } from '../support/fixtures';

let app: AppPage;
let folder: string;

beforeAll(async () => {
  // A folder of two headerless files, as a user would pick it.
  const root = mkdtempSync(join(tmpdir(), 'decant-classifiers-'));
  folder = join(root, 'nums');
  mkdirSync(folder);
  copyFileSync(fixturePath('no-header.csv'), join(folder, 'part-0.csv'));
  copyFileSync(fixturePath('no-header.csv'), join(folder, 'part-1.csv'));
  app = await openApp();
});
afterAll(async () => {
  await app?.browser.close();
});

const sql = (page: Page, text: string) => queryRows(page, app.url, text);

describe('Custom CSV classifiers in Chromium', () => {
  it('creates a classifier in the form, with errors by the field, and tries it on files', async () => {
    const { page } = app;
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('new-classifier').click();
    const form = page.getByTestId('classifier-form');
    await page.getByLabel('Name', { exact: true }).fill('numbers');
    await page.getByLabel('Quote', { exact: true }).fill(',');
    await page.getByLabel('Header').selectOption('ABSENT');
    await page.getByLabel('Column names').fill('a, b, c');
    await page.getByLabel('Null strings').fill('NA');
    await page.getByTestId('save-classifier').click();
    // Refused, with the reason beside the quote field, which gets the focus.
    const quote = page.locator('#cls-quote');
    await expect.poll(() => quote.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#cls-quote-error').innerText()).toBe(
      'the quote cannot also be the delimiter',
    );
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('cls-quote');
    await quote.fill('"');
    // Changing the field clears its message; saving checks everything again.
    expect(await quote.getAttribute('aria-invalid')).toBe('false');
    expect(await page.locator('#cls-quote-error').count()).toBe(0);

    // Tried on the file it is for: fits, with the classifier's names.
    const trial = page.getByTestId('classifier-trial');
    await page.getByTestId('classifier-try-input').setInputFiles(fixturePath('no-header.csv'));
    await trial.getByText('Fits').waitFor({ timeout: 60_000 });
    expect(await trial.locator('tbody tr').allInnerTexts()).toEqual([
      'a\tBIGINT',
      'b\tDOUBLE',
      'c\tBIGINT',
    ]);
    expect(await trial.innerText()).toContain('3 row(s)');

    // Tried on a file with a header: does not fit, and says why.
    await page
      .getByTestId('classifier-try-input')
      .setInputFiles(fixturePath('semicolon-decimal-comma.csv'));
    await trial.getByText('Does not fit').waitFor({ timeout: 60_000 });
    expect(await trial.innerText()).toContain(
      'the classifier names 3 column(s), but the file has 2 when split on comma (,)',
    );

    await page.getByTestId('save-classifier').click();
    await expect.poll(() => form.count()).toBe(0);
    const row = page.getByTestId('classifier-row');
    expect(await row.innerText()).toMatch(/^numbers\s+comma \(,\)\s+absent\s+a, b, c\s+NA\s+all/);
  });

  it('keeps the classifier after a reload', async () => {
    const { page } = app;
    await page.reload();
    await page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor();
    await page.goto(`${app.url}/#/crawl`);
    await expect
      .poll(() => page.getByTestId('classifier-row').allInnerTexts())
      .toEqual([expect.stringMatching(/^numbers\s/)]);
  });

  it('crawls a folder with the classifier: the table gets its column names', async () => {
    const { page } = app;
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('crawl-folder-input').setInputFiles(folder);
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('cls');
    const picker = page.getByTestId('classifier-picker');
    await expect.poll(() => picker.getByRole('option').allInnerTexts()).toEqual(['numbers']);
    await picker.getByTestId('classifier-picker-add').click();
    expect(await picker.locator('ol li').allInnerTexts()).toEqual([
      expect.stringMatching(/^numbers/),
    ]);
    await page.getByTestId('run-crawl').click();
    await page
      .locator('[data-testid=crawl-plan], [data-testid=crawl-error]')
      .first()
      .waitFor({ timeout: 60_000 });
    const rows = page.getByTestId('plan-table');
    expect(await rows.count()).toBe(1);
    const cells = (await rows.first().innerText()).split('\t');
    expect(cells[0]).toBe('cls.nums');
    // The plan says which classifier read the table.
    expect(cells[1]).toBe('CSV · classifier numbers');
    expect(cells[2]).toBe('a BIGINT, b DOUBLE, c BIGINT');
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();
    const want = ['1 2.5 3', '1 2.5 3', '4 5.5 6', '4 5.5 6', '7 8.5 9', '7 8.5 9'];
    expect(cellsOf(await sql(page, 'SELECT a, b, c FROM cls.nums ORDER BY ALL'))).toEqual(want);

    // After a reload the table is read with the same settings, from its stored parameters.
    await page.reload();
    await page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor();
    expect(cellsOf(await sql(page, 'SELECT a, b, c FROM cls.nums ORDER BY ALL'))).toEqual(want);
  });

  it('deletes the classifier after a confirmation', async () => {
    const { page } = app;
    await page.goto(`${app.url}/#/crawl`);
    await page.getByRole('button', { name: 'Delete numbers' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByTestId('classifier-row').count()).toBe(0);
    await page.reload();
    await page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor();
    await page.goto(`${app.url}/#/crawl`);
    await page.getByText('No custom classifiers yet.').waitFor();
  });

  it('made no request outside its own origin', () => {
    expect(app.foreignRequests).toEqual([]);
    expect(app.consoleErrors).toEqual([]);
  });
});
