import { chromium, type Browser, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { CHROMIUM_ARGS } from '../support/chromium';

export interface AppPage {
  browser: Browser;
  page: Page;
  url: string;
  /** Every request the page made that did not go to the app's own origin (blob:/data: excepted). */
  foreignRequests: string[];
  /** Console errors and uncaught exceptions, e.g. CSP violations. */
  consoleErrors: string[];
}

/** A fresh headless Chromium on the built app, with the engine started. */
export async function openApp(): Promise<AppPage> {
  const url = inject('appUrl');
  const browser = await chromium.launch({
    executablePath: inject('chromiumPath'),
    args: CHROMIUM_ARGS,
  });
  // A context of our own, so a test can open a second tab on the same storage.
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const foreignRequests: string[] = [];
  const consoleErrors: string[] = [];
  context.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(url + '/') && !u.startsWith('blob:') && !u.startsWith('data:'))
      foreignRequests.push(u);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(url);
  await page
    .getByTestId('engine-status')
    .filter({ hasText: 'DuckDB' })
    .waitFor({ timeout: 60_000 });
  return { browser, page, url, foreignRequests, consoleErrors };
}

export function card(page: Page, fileName: string) {
  return page
    .getByTestId('file-card')
    .filter({ has: page.getByRole('heading', { name: fileName, exact: true }) });
}

/** Waits until the card for `fileName` settles in one of `states`; returns its state. */
export async function settled(
  page: Page,
  fileName: string,
  states: string[],
  timeout = 60_000,
): Promise<string> {
  const c = card(page, fileName);
  const selector = states.map((s) => `[data-state="${s}"]`).join(',');
  await c.and(page.locator(selector)).waitFor({ timeout });
  return (await c.getAttribute('data-state')) ?? '';
}

/**
 * Runs SQL in the Query area of `page` (app at `url`); each result row's text, its first cell the
 * row number. Throws the error the page shows.
 */
export async function queryRows(page: Page, url: string, text: string): Promise<string[]> {
  // A fresh Query area, so the previous statement's result cannot pass for this one's.
  if (page.url().endsWith('#/query')) await page.goto(`${url}/#/catalog`);
  await page.goto(`${url}/#/query`);
  // As a user would: select the kept draft, delete it, then enter the statement.
  const editor = page.getByTestId('sql-editor');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await editor.fill(text);
  await page.getByTestId('run-sql').click();
  await page
    .locator('[data-testid=sql-meta], [data-testid=sql-error]')
    .first()
    .waitFor({ timeout: 120_000 });
  const err = page.getByTestId('sql-error');
  if (await err.count()) throw new Error(await err.innerText());
  const grid = page.getByTestId('virtual-grid');
  await expect.poll(() => grid.innerText()).not.toContain('…');
  return grid.locator('[data-row]').allInnerTexts();
}

/** Rows' text without the row number, cells joined by one space. */
export const cellsOf = (rows: string[]) => rows.map((r) => r.split(/\s+/).slice(1).join(' '));
