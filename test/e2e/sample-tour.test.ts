import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cellsOf, openApp, queryRows, type AppPage } from './app-page';

// A fresh profile takes the sample-data tour from the home page to a SUCCEEDED job run whose
// output is queried, doing each step the way the tour asks: clicking what it highlights.
let app: AppPage;
beforeAll(async () => {
  app = await openApp();
  await app.page.setViewportSize({ width: 1280, height: 800 });
});
afterAll(async () => {
  await app?.browser.close();
});

/** What the job should find, computed here from the bundled files: rainy days and rain by city and month. */
function expectedRain(): string[] {
  const dir = new URL('../../public/samples/', import.meta.url);
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as {
    files: string[];
  };
  const groups = new Map<string, { days: number; mm: number }>();
  for (const f of manifest.files.filter((f) => f.startsWith('weather/'))) {
    // The partition value as the folder names it (`01`): the key is text.
    const month = /month=(\d+)/.exec(f)![1];
    const lines = readFileSync(new URL(f, dir), 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      const [, city, , , rain] = line.split(',');
      if (Number(rain) <= 0) continue;
      const key = `${city} ${month}`;
      const g = groups.get(key) ?? { days: 0, mm: 0 };
      g.days++;
      g.mm += Number(rain);
      groups.set(key, g);
    }
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([k, g]) => `${k} ${g.days} ${Math.round(g.mm * 10) / 10}`);
}

it('walks from "Try it with sample data" to a queried job output, by the highlighted controls', async () => {
  const { page, url } = app;
  const title = page.getByTestId('tour-step-title');
  const target = page.locator('[data-tour-target]');

  // First run: the home page offers the samples.
  await page.getByTestId('try-samples').click();
  await expect.poll(() => title.innerText(), { timeout: 30_000 }).toBe('Crawl the sample folder');
  expect(page.url()).toMatch(/#\/crawl$/);
  // The samples' folder is pre-selected: four files, read from the browser's storage.
  await expect.poll(() => page.getByTestId('crawl-found').innerText()).toMatch(/^4 file/);
  await expect.poll(() => target.getAttribute('data-testid')).toBe('run-crawl');
  await target.click();
  await page.getByTestId('crawl-plan').waitFor({ timeout: 60_000 });
  await expect.poll(() => target.getAttribute('data-testid')).toBe('commit-crawl');
  await page.screenshot({ path: 'docs/tour.png' });
  await target.click();
  await page.getByTestId('crawl-committed').waitFor({ timeout: 60_000 });

  // Catalog: the area's link, then the weather table.
  await expect.poll(() => title.innerText()).toBe('See the tables in the Catalog');
  await target.click();
  await expect.poll(() => target.getAttribute('href')).toMatch(/^#\/catalog\/[^/]+\/[^/]*weather/);
  const [, db] = /^#\/catalog\/([^/]+)\//.exec((await target.getAttribute('href'))!)!;
  await target.click();
  // The table's page says what a Table is, on hover.
  const tableTerm = page.getByTestId('page-kind').getByTestId('glossary-term');
  await tableTerm.hover();
  await expect
    .poll(() => tableTerm.getByRole('tooltip').innerText())
    .toMatch(/^A description of a dataset/);

  // Jobs: the prepared job, then Run.
  await expect.poll(() => title.innerText()).toBe('Open the prepared job');
  await target.click();
  await expect.poll(() => target.getAttribute('href')).toBe('#/jobs/rainy%20days');
  await target.click();
  await expect.poll(() => title.innerText()).toBe('Run it');
  await expect.poll(() => target.getAttribute('data-testid')).toBe('run-job');
  await target.click();
  // The tour moves on only when the run SUCCEEDED.
  await expect.poll(() => title.innerText(), { timeout: 120_000 }).toBe('Schedule it');

  await target.click();
  await expect.poll(() => page.url()).toMatch(/#\/schedule$/);
  await expect.poll(() => title.innerText()).toBe('Schedule it, and you are done');
  await expect.poll(() => target.getAttribute('data-testid')).toBe('new-trigger');

  // The output is real: Parquet in the catalog, with the numbers the files give.
  const rows = await queryRows(
    page,
    url,
    `SELECT city_id, month, rainy_days, round(rain_mm, 1) FROM "${decodeURIComponent(db!)}".rainy_days ORDER BY city_id, month`,
  );
  expect(cellsOf(rows)).toEqual(expectedRain());

  // Closed and reopened from the Tour button, where it was left.
  await page.getByTestId('tour-close').click();
  await expect.poll(() => page.getByTestId('tour').count()).toBe(0);
  await page.getByTestId('tour-button').click();
  await expect.poll(() => title.innerText()).toBe('Schedule it, and you are done');
  // Escape closes it from the keyboard.
  await page.getByTestId('tour-back').focus();
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByTestId('tour').count()).toBe(0);
  expect(app.foreignRequests).toEqual([]);
});

it('explains a Glue term on keyboard focus, tied to it by aria-describedby', async () => {
  const { page, url } = app;
  await page.goto(`${url}/#/runs`);
  const term = page.getByRole('heading', { level: 1 }).getByTestId('glossary-term');
  const tip = term.getByRole('tooltip', { includeHidden: true });
  await expect.poll(() => tip.isVisible()).toBe(false);
  await term.focus();
  await expect.poll(() => tip.isVisible()).toBe(true);
  expect(await tip.innerText()).toMatch(/execution of a job, crawler or workflow/);
  expect(await term.getAttribute('aria-describedby')).toBe(await tip.getAttribute('id'));
  await page.keyboard.press('Escape');
  await expect.poll(() => tip.isVisible()).toBe(false);
});
