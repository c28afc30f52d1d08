// The Query area's SQL editor in Chromium: completion of catalog names quoted as DuckDB reads
// them, Ctrl+Enter, the text kept across navigation and reloads, the history, the CSV download,
// and no Content Security Policy violation from CodeMirror's styles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { card, openApp, settled, type AppPage } from './app-page';

let app: AppPage;
const tmp = mkdtempSync(join(tmpdir(), 'decant-query-editor-'));
const FIRST = 'SELECT origin, delay FROM "default".flights ORDER BY delay';

beforeAll(async () => {
  app = await openApp();
});
afterAll(async () => {
  await app?.browser.close();
});

const editor = (page: Page) => page.getByTestId('sql-editor');
const text = (page: Page) => editor(page).innerText();

/** Waits for the completion list to offer `label`, then accepts it with Enter. */
async function complete(page: Page, label: string) {
  const option = page.locator('.cm-tooltip-autocomplete li[aria-selected=true]');
  await expect.poll(() => option.innerText()).toContain(label);
  // CodeMirror ignores Enter for 75 ms after the list appears (interactionDelay), so a fast
  // typist's Enter is a line break, not a surprise completion.
  await page.waitForTimeout(150);
  await page.keyboard.press('Enter');
}

async function openQuery(page: Page) {
  await page.goto(`${app.url}/#/query`);
  await editor(page).waitFor();
}

describe('SQL editor in Chromium', () => {
  it('completes a database and a table from their prefix, quoted as DuckDB needs, and runs with Ctrl+Enter', async () => {
    const { page } = app;
    const csv = join(tmp, 'flights.csv');
    writeFileSync(csv, 'origin,delay\n"JFK, NY",12\nLAX,-3\n');
    await page.getByTestId('file-input').setInputFiles(csv);
    expect(await settled(page, 'flights.csv', ['ready', 'failed'])).toBe('ready');
    const c = card(page, 'flights.csv');
    await c.getByTestId('add-to-catalog').click();
    await c.getByTestId('add-database').fill('default');
    await c.getByTestId('add-table').fill('flights');
    await c.getByTestId('confirm-add').click();
    await c.getByTestId('open-in-catalog').waitFor();

    await openQuery(page);
    // Labelled for screen readers.
    await page.getByRole('textbox', { name: 'SQL' }).click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    await page.keyboard.type('SELECT origin, delay FROM defa');
    // `default` is a keyword: the completion inserts it in double quotes.
    await complete(page, 'default');
    await page.keyboard.type('.fli');
    await complete(page, 'flights');
    await page.keyboard.type(' ORDER BY delay');
    expect(await text(page)).toBe(FIRST);
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('sql-meta').waitFor();
    expect(await page.getByTestId('sql-meta').innerText()).toMatch(/^2 rows/);
    await expect
      .poll(() => page.getByTestId('virtual-grid').locator('[data-row="0"]').innerText())
      .toMatch(/^1\s+LAX\s+-3$/);
  });

  it('downloads the result as CSV', async () => {
    const { page } = app;
    await page.getByTestId('export-result').click();
    await page.getByTestId('export-format-csv').check();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-start').click(),
    ]);
    expect(download.suggestedFilename()).toBe('query-result.csv');
    const body = readFileSync((await download.path())!, 'utf8');
    expect(body).toBe('origin,delay\nLAX,-3\n"JFK, NY",12\n');
    await page.getByTestId('export-close').click();
  });

  it('keeps the text across navigation and a reload', async () => {
    const { page } = app;
    await page.goto(`${app.url}/#/catalog`);
    await openQuery(page);
    expect(await text(page)).toBe(FIRST);
    await page.reload();
    await editor(page).waitFor();
    expect(await text(page)).toBe(FIRST);
  });

  it('recalls earlier statements with Up and Down in an empty editor, and lists them', async () => {
    const { page } = app;
    // Typed over the highlighted statement, as a user replaces it.
    await editor(page).click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('SELECT 42 AS answer');
    await page.getByTestId('run-sql').click();
    await page.getByTestId('sql-meta').waitFor();
    await editor(page).click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    await page.keyboard.press('ArrowUp');
    expect(await text(page)).toBe('SELECT 42 AS answer');
    await page.keyboard.press('ArrowUp');
    expect(await text(page)).toBe(FIRST);
    await page.keyboard.press('ArrowDown');
    expect(await text(page)).toBe('SELECT 42 AS answer');

    // Kept in IndexedDB: after a reload the list has both, newest first.
    await page.reload();
    await page.getByTestId('sql-history').locator('summary').click();
    const items = page.getByTestId('history-item');
    await expect.poll(() => items.allInnerTexts()).toEqual(['SELECT 42 AS answer', FIRST]);
    await items.nth(1).click();
    expect(await text(page)).toBe(FIRST);
    expect(app.consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual(
      [],
    );
  });
});
