import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type AppPage } from './app-page';

let app: AppPage;

beforeAll(async () => {
  app = await openApp();
});
afterAll(async () => {
  await app?.browser.close();
});

/** A folder with one CSV: n = 1..1000 (20 equal bins), a category and a ratio. */
function folder(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'decant-profile-e2e-')), 'numbers');
  mkdirSync(dir);
  const lines = ['n,kind,ratio'];
  for (let n = 1; n <= 1000; n++) lines.push(`${n},${n <= 600 ? 'even' : 'odd'},${n / 4}`);
  writeFileSync(join(dir, 'numbers.csv'), lines.join('\n') + '\n');
  return dir;
}

describe('Table profile in Chromium', () => {
  it('draws a crawled table’s profile, keeps it over a reload, and says when it is stale', async () => {
    const { page } = app;
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('crawl-folder-input').setInputFiles(folder());
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('prof');
    await page.getByTestId('run-crawl').click();
    await page.getByTestId('plan-table').waitFor({ timeout: 60_000 });
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();

    await page.goto(`${app.url}/#/catalog/prof/numbers`);
    await page.getByTestId('tab-profile').click();
    await page.getByTestId('profile-none').waitFor();
    await page.getByTestId('profile-mode').selectOption('all');
    await page.getByTestId('profile-compute').click();
    await page.getByTestId('profile-summary').waitFor({ timeout: 60_000 });

    // A histogram canvas drawn by uPlot, labelled with its numbers: 20 bins of 50 rows.
    const histogram = page.getByTestId('profile-histogram-0');
    await histogram.locator('canvas').waitFor();
    const label = (await histogram.getAttribute('aria-label')) ?? '';
    expect(label).toMatch(/^Histogram of n: 1 – 50\.95: 50; /);
    expect(label.match(/: 50(;|$)/g)).toHaveLength(20);
    // The canvas has ink on it (bars were drawn, not just an empty plot).
    const inked = await histogram.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(1000);
    const row = page.locator('[data-testid="profile-summary"] tr[data-column="n"]');
    expect(await row.locator('[data-measure="mean"]').innerText()).toBe('500.5');
    expect(await page.getByTestId('profile-meta').innerText()).toMatch(
      /all 1,000 rows, in 2 passes/,
    );
    const top = await page.getByTestId('profile-top-1').innerText();
    expect(top).toMatch(/even\s+600\s+60\.0%/);
    expect(top).toMatch(/odd\s+400\s+40\.0%/);
    expect(await page.getByTestId('profile-correlations').innerText()).toMatch(/1\.00/);
    expect(await page.getByTestId('profile-stale').count()).toBe(0);
    // The wide summary table scrolls in its box; the page does not get wider than the window.
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);

    // Recommendations read the stored profile of this version: no second scan, its few values.
    await page.getByTestId('tab-quality').click();
    await page.getByTestId('dq-recommend').click();
    const editor = page.getByTestId('dqdl-editor');
    await expect.poll(() => editor.inputValue()).toMatch(/^# Recommended from the table’s profile/);
    expect(await editor.inputValue()).toContain('ColumnValues "kind" in ["even", "odd"]');

    // A profile of all rows stored the catalog's column statistics of this version too.
    await page.getByTestId('tab-statistics').click();
    await page.getByTestId('stats').waitFor();
    expect(await page.getByTestId('stats').innerText()).toMatch(/\bn\s+BIGINT\s+0\s+/);

    await page.reload();
    await page.getByTestId('tab-profile').click();
    await page.getByTestId('profile-summary').waitFor();
    expect(await page.getByTestId('profile-histogram-0').getAttribute('aria-label')).toBe(label);
    expect(await page.getByTestId('profile-stale').count()).toBe(0);

    // Any change to the table makes the stored profile one of an older version.
    await page.locator('#t-desc').fill('numbers one to a thousand');
    await page.getByRole('button', { name: 'Save description' }).click();
    await page.getByTestId('profile-stale').waitFor();
    expect(await page.getByTestId('profile-stale').innerText()).toMatch(/the table changed since/);
    expect(app.consoleErrors).toEqual([]);
  });
});
