// Issue 11 item 1 in Chromium: a folder written by one CSV writer, where only some files hold a
// quoted value, is crawled into one table, and the table reads every row back whole.
import { afterEach, describe, expect, it } from 'vitest';
import { cellsOf, openApp, queryRows, type AppPage } from './app-page';
import { writeAirports } from '../support/airports';
import { expected, fixturePath } from '../support/fixtures';

let app: AppPage | undefined;
afterEach(async () => {
  await app?.browser.close();
  app = undefined;
});

/** Picks `folder` on the Crawlers page of a fresh app, runs the crawl into `lake`, commits. */
async function crawlFolder(folder: string): Promise<{ app: AppPage; cells: string[][] }> {
  app = await openApp();
  const { page, url } = app;
  await page.goto(`${url}/#/crawl`);
  await page.getByTestId('crawl-folder-input').setInputFiles(folder);
  await page.getByTestId('crawl-found').waitFor();
  await page.getByTestId('crawl-database').fill('lake');
  await page.getByTestId('run-crawl').click();
  await page
    .locator('[data-testid=crawl-plan], [data-testid=crawl-error]')
    .first()
    .waitFor({ timeout: 60_000 });
  const rows = await page.getByTestId('plan-table').allInnerTexts();
  await page.getByTestId('commit-crawl').click();
  await page.getByTestId('crawl-committed').waitFor();
  return { app, cells: rows.map((r) => r.split('\t')) };
}

describe('Crawling one CSV dataset whose files differ only in quoting', () => {
  it('airports/ written with PARTITION_BY (state) is ONE table with key state', async () => {
    const want = expected('airports') as ReturnType<typeof expected> & {
      partitions: string[][];
      partitionRows: number[];
    };
    const { app, cells } = await crawlFolder(await writeAirports());
    expect(cells.map((c) => c[0])).toEqual(['lake.airports']);
    const [name, , columns, keys, partitions, files] = cells[0]!;
    expect(name).toBe('lake.airports');
    expect(columns).toBe(want.columns!.map((c) => `${c.name} ${c.type}`).join(', '));
    expect(keys).toBe('state VARCHAR');
    expect([partitions, files]).toEqual(['5', '5']);

    const sql = (text: string) => queryRows(app.page, app.url, text);
    const perState = await sql(
      'SELECT state, count(*) AS n FROM lake.airports GROUP BY ALL ORDER BY ALL',
    );
    expect(cellsOf(perState)).toEqual(
      want.partitions.map(([state], i) => `${state} ${want.partitionRows[i]}`),
    );
    const total = await sql(
      "SELECT count(*) AS n, count(*) FILTER (WHERE name LIKE '%,%') AS commas FROM lake.airports",
    );
    expect(cellsOf(total)).toEqual([`${want.rowCount} 48`]);
    const boeing = await sql(`SELECT name FROM lake.airports WHERE name LIKE '%"%'`);
    expect(cellsOf(boeing)).toEqual(['Boeing "King County" Field']);
  });

  it("csv-spectrum's four a,b,c files in one folder are ONE table of 8 rows", async () => {
    const want = expected('spectrum');
    const { app, cells } = await crawlFolder(fixturePath('spectrum'));
    expect(cells.map((c) => [c[0], c[5]])).toEqual([['lake.spectrum', '4']]);
    const rows = await queryRows(
      app.page,
      app.url,
      "SELECT count(*) AS n, count(*) FILTER (WHERE a = 'Once upon \na time') AS tale, " +
        "count(*) FILTER (WHERE c = 'ʤ') AS utf8 FROM lake.spectrum",
    );
    expect(cellsOf(rows)).toEqual([`${want.rowCount} 1 1`]);
  });
});
