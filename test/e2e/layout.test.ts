import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { card, openApp, settled, type AppPage } from './app-page';

/**
 * Layout in Chromium at 1280×800 and 1920×1080: no area is wider than the window (a wide table
 * scrolls inside its grid), and the job editor's canvas fills the window at a readable zoom.
 * Screenshots go to DECANT_SCREENSHOT_DIR (e.g. `docs`) or a temporary folder.
 */
let app: AppPage;
let page: Page;
const work = mkdtempSync(join(tmpdir(), 'decant-layout-'));
const shots = process.env.DECANT_SCREENSHOT_DIR ?? join(work, 'shots');
mkdirSync(shots, { recursive: true });
const JOB = 'late flights';
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

/** 30 columns of long text: wider than any window unless the grid scrolls inside itself. */
function wideCsv(): string {
  const cols = Array.from({ length: 30 }, (_, i) => `long_column_name_number_${i + 1}`);
  const rows = Array.from({ length: 20 }, (_, r) =>
    cols.map((c) => `${c} holds a rather long piece of text in row ${r + 1}`).join(','),
  );
  return [cols.join(','), ...rows].join('\n') + '\n';
}

function flightsCsv(): string {
  const airports = ['SFO', 'JFK', 'ORD', 'ATL', 'SEA'];
  const rows = Array.from({ length: 60 }, (_, i) =>
    [airports[i % 5], airports[(i + 2) % 5], (i * 7) % 45, 300 + i * 11].join(','),
  );
  return ['origin,dest,delay,distance', ...rows].join('\n') + '\n';
}

async function addToCatalog(fileName: string, table: string) {
  const c = card(page, fileName);
  await c.getByTestId('add-to-catalog').click();
  await c.getByTestId('add-database').fill('layout');
  await c.getByTestId('add-table').fill(table);
  await c.getByTestId('confirm-add').click();
  await c.getByTestId('open-in-catalog').waitFor();
}

const panel = () => page.getByTestId('node-panel');
const palette = (title: string) =>
  page.getByTestId('node-palette').getByRole('button', { name: title, exact: true });

async function settledEditor() {
  // A Parquet table (Add to catalog keeps Parquet) is first read with the engine's Parquet
  // reader started: seconds, not the default second of a poll.
  await expect
    .poll(() => page.getByTestId('editor-status').innerText(), { timeout: 30_000 })
    .not.toMatch(/Checking/);
}

/** How far the page is wider than the window (0: no horizontal overflow). */
async function overflowX(): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** The outermost elements that reach past the window's right edge, to say what overflows. */
async function overflowing(): Promise<string> {
  return page.evaluate(() => {
    const past = (el: Element) => el.getBoundingClientRect().right > window.innerWidth + 1;
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}` +
      `[${el.getAttribute('data-testid') ?? ''}] ${Math.round(el.getBoundingClientRect().width)}px`;
    const found = [...document.body.querySelectorAll('*')].filter(
      (el) => past(el) && !(el.parentElement && past(el.parentElement)),
    );
    return found.slice(0, 5).map(name).join(' · ');
  });
}

async function expectNoOverflow(where: string) {
  const over = await overflowX();
  // Soft: one run names every area that overflows.
  expect
    .soft(over, `${where} overflows: ${over > 0 ? await overflowing() : ''}`)
    .toBeLessThanOrEqual(0);
}

/** The canvas's box, its zoom, and each node's title with the smallest font size in the node. */
async function canvasFacts() {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLElement>('[data-testid=job-canvas]')!;
    const viewport = document.querySelector<HTMLElement>('.svelte-flow__viewport')!;
    const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    const nodes = [...document.querySelectorAll<HTMLElement>('[data-testid=job-node]')];
    const textPx = (el: Element) => parseFloat(getComputedStyle(el).fontSize);
    const withText = (n: HTMLElement) =>
      [n, ...n.querySelectorAll('*')].filter((el) =>
        [...el.childNodes].some((c) => c.nodeType === Node.TEXT_NODE && c.textContent!.trim()),
      );
    const r = canvas.getBoundingClientRect();
    return {
      width: r.width,
      height: r.height,
      zoom,
      titles: nodes.map((n) => n.querySelector('[data-testid=node-title]')!.textContent!.trim()),
      titlePx: Math.min(...nodes.map((n) => textPx(n.querySelector('[data-testid=node-title]')!))),
      smallestPx: Math.min(...nodes.flatMap((n) => withText(n).map(textPx))),
    };
  });
}

beforeAll(async () => {
  app = await openApp();
  page = app.page;
});
afterAll(async () => {
  await app?.browser.close();
});

describe('Layout in Chromium', () => {
  it('sets up: two files in Quick convert and the catalog, a four-node job', async () => {
    await page.setViewportSize(SIZES[0]);
    writeFileSync(join(work, 'wide.csv'), wideCsv());
    writeFileSync(join(work, 'flights.csv'), flightsCsv());
    await page
      .getByTestId('file-input')
      .setInputFiles([join(work, 'flights.csv'), join(work, 'wide.csv')]);
    expect(await settled(page, 'flights.csv', ['ready', 'failed'])).toBe('ready');
    expect(await settled(page, 'wide.csv', ['ready', 'failed'])).toBe('ready');
    await addToCatalog('flights.csv', 'flights');
    await addToCatalog('wide.csv', 'wide');

    await page.goto(`${app.url}/#/jobs/${encodeURIComponent(JOB)}`);
    await page.getByTestId('job-editor').waitFor();
    await palette('Data Catalog table').click();
    await panel().getByLabel('Database', { exact: true }).selectOption('layout');
    await panel().getByLabel('Table', { exact: true }).selectOption('flights');
    await settledEditor();
    // The palette's search: Enter adds the first match after the selected node.
    await page.getByLabel('Search nodes').fill('filt');
    await page.getByLabel('Search nodes').press('Enter');
    await expect.poll(() => panel().locator('code').first().innerText()).toBe('filter-1');
    await panel().getByRole('button', { name: 'Add a condition' }).click();
    await panel().getByLabel('Column', { exact: true }).fill('delay');
    await panel().getByLabel('Operator', { exact: true }).selectOption('GT');
    await panel().getByLabel('Value', { exact: true }).fill('15');
    await page.getByLabel('Search nodes').fill('');
    await palette('Aggregate').click();
    await settledEditor();
    await panel()
      .getByRole('checkbox', { name: /^origin( |$)/ })
      .check();
    await panel().getByRole('button', { name: 'Add an aggregation' }).click();
    await panel().getByLabel('Column', { exact: true }).fill('delay');
    await palette('Target').click();
    await settledEditor();
    expect(await page.getByTestId('editor-status').innerText()).toBe('No problems found.');
    await page.getByTestId('save-job').click();
    await expect.poll(() => page.getByTestId('editor-message').innerText()).toMatch(/^Saved/);
  });

  for (const size of SIZES) {
    const at = `${size.width}x${size.height}`;
    it(`fits every area into the window at ${at}`, async () => {
      await page.setViewportSize(size);
      await page.goto(`${app.url}/#/convert`);
      await card(page, 'wide.csv').waitFor();
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(shots, `quick-convert-${at}.png`) });
      await expectNoOverflow('quick convert');

      await page.goto(`${app.url}/#/catalog/layout/wide`);
      await page.getByTestId('table-detail').waitFor();
      await page.getByTestId('tab-data').click();
      await expect.poll(() => page.getByTestId('row-count').innerText()).toBe('20 rows');
      await expect
        .poll(() => page.getByTestId('virtual-grid').innerText())
        .toContain('long_column_name_number_1 holds');
      await expectNoOverflow('catalog data');
      // The catalog's side panel keeps its controls inside its own edge (an input's default
      // width once pushed the package form and buttons over the table's page).
      const outside = await page.evaluate(() => {
        const aside = document.querySelector('aside[aria-label="Catalog navigation"]')!;
        const edge = aside.getBoundingClientRect().right;
        return [...aside.querySelectorAll('*')]
          .filter((el) => el.getBoundingClientRect().right > edge + 1)
          .map((el) => `${el.tagName.toLowerCase()}[${el.getAttribute('data-testid') ?? ''}]`)
          .slice(0, 5);
      });
      expect.soft(outside, 'the catalog side panel overflows').toEqual([]);
      // The grid scrolls sideways inside its own box instead.
      const grid = await page
        .getByTestId('virtual-grid')
        .evaluate((g) => ({ scroll: g.scrollWidth, client: g.clientWidth }));
      expect(grid.scroll).toBeGreaterThan(grid.client);
      await page.screenshot({ path: join(shots, `catalog-data-${at}.png`) });

      for (const area of ['crawl', 'schedule', 'runs']) {
        await page.goto(`${app.url}/#/${area}`);
        await page.waitForTimeout(300);
        await expectNoOverflow(area);
        await page.screenshot({ path: join(shots, `${area}-${at}.png`) });
      }

      await page.goto(`${app.url}/#/query`);
      await page.getByTestId('sql-editor').fill('SELECT * FROM layout.wide');
      await page.getByTestId('run-sql').click();
      await page.locator('[data-testid=sql-meta], [data-testid=sql-error]').first().waitFor();
      expect(await page.getByTestId('sql-error').count()).toBe(0);
      await expectNoOverflow('query');
      await page.screenshot({ path: join(shots, `query-${at}.png`) });
    });

    it(`opens the job editor at ${at} with the canvas filling the window, its text readable`, async () => {
      await page.setViewportSize(size);
      // A fresh editor: the canvas picks its zoom when it opens.
      await page.goto(`${app.url}/#/jobs`);
      await page.getByTestId('jobs-list').waitFor();
      await page.goto(`${app.url}/#/jobs/${encodeURIComponent(JOB)}`);
      await page.getByTestId('job-editor').waitFor();
      await expect.poll(() => page.getByTestId('job-node').count()).toBe(4);
      await settledEditor();
      await page.waitForTimeout(500);
      await expectNoOverflow('job editor');
      const facts = await canvasFacts();
      expect(facts.titles).toEqual(['flights', 'delay > 15', 'by origin', 'Parquet → download']);
      expect(facts.width).toBeGreaterThanOrEqual(0.6 * size.width);
      expect(facts.height).toBeGreaterThanOrEqual(0.5 * size.height);
      expect(facts.titlePx * facts.zoom).toBeGreaterThanOrEqual(11);
      expect(facts.smallestPx * facts.zoom).toBeGreaterThanOrEqual(11);
      // Every node is on the canvas at first sight.
      const box = (await page.getByTestId('job-canvas').boundingBox())!;
      for (const n of await page.getByTestId('job-node').all()) {
        const b = (await n.boundingBox())!;
        expect(b.x).toBeGreaterThanOrEqual(box.x - 1);
        expect(b.x + b.width).toBeLessThanOrEqual(box.x + box.width + 1);
      }
      // As a user sees it: the filter selected, its data previewed.
      await page.getByTestId('node-title').filter({ hasText: 'delay > 15' }).click();
      await page.getByTestId('preview-selected').click();
      await page.getByTestId('preview-meta').waitFor({ timeout: 60_000 });
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(shots, `job-editor-${at}.png`) });
    });
  }
});
