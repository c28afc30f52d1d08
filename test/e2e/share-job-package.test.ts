// A table made by a job, shared as a package with its recipe, as users do it: in browser A, crawl
// two CSV folders, run a filter + derived column job whose output is registered in the catalog,
// Share… that table and another with `email` hashed into a zip download. The zip is re-made by
// Debian's `zip -r` (its entries deflated) and opened in a fresh browser B: the recipe is shown,
// "Add to catalog" gives the sender's rows, and the recipe opens as a job waiting for its sources.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';
import { newJob, type Job } from '../../src/jobs/model';
import type { DataPackage } from '../../src/share/datapackage';
import { nativeRead } from '../support/native-duckdb';
import { saveJobInPage } from '../support/page-storage';
import { cellsOf, openApp, queryRows, type AppPage } from './app-page';

const PEOPLE = 60;
const dir = mkdtempSync(join(tmpdir(), 'decant-e2e-job-package-'));
let a: AppPage;

beforeAll(async () => {
  a = await openApp();
  // Seven distinct emails over sixty people, so equal values must give equal tokens.
  const people = ['id,name,email,amount'];
  for (let i = 1; i <= PEOPLE; i++) people.push(`${i},person ${i},user${i % 7}@example.org,${i}`);
  const orders = ['order_id,email,total'];
  for (let i = 1; i <= 20; i++) orders.push(`${i},user${i % 5}@example.org,${i * 3}`);
  mkdirSync(join(dir, 'people'));
  mkdirSync(join(dir, 'orders'));
  writeFileSync(join(dir, 'people', 'people.csv'), people.join('\n') + '\n');
  writeFileSync(join(dir, 'orders', 'orders.csv'), orders.join('\n') + '\n');
}, 120_000);
afterAll(async () => {
  await a?.browser.close();
});

async function crawlFolder(page: Page, folder: string) {
  await page.goto(`${a.url}/#/crawl`);
  await page.getByTestId('crawl-folder-input').setInputFiles(join(dir, folder));
  await page.getByTestId('crawl-found').waitFor();
  await page.getByTestId('crawl-database').fill('hr');
  await page.getByTestId('run-crawl').click();
  await page.getByTestId('commit-crawl').click({ timeout: 60_000 });
  await page.getByTestId('crawl-committed').waitFor();
}

/** hr.people → amount > 10 → doubled = amount * 2 → Parquet in OPFS, registered as hr.big_people. */
function bigPeopleJob(): Job {
  return {
    ...newJob('big people'),
    nodes: [
      {
        id: 'people',
        kind: 'catalog-source',
        name: 'people',
        options: { database: 'hr', table: 'people' },
      },
      {
        id: 'big',
        kind: 'filter',
        name: 'amount > 10',
        options: {
          filter: {
            combine: 'AND',
            clauses: [{ column: 'amount', op: 'GT', value: { kind: 'constant', value: '10' } }],
          },
        },
      },
      {
        id: 'doubled',
        kind: 'derived-column',
        name: 'doubled',
        options: { column: 'doubled', expression: 'amount * 2' },
      },
      {
        id: 'out',
        kind: 'target',
        name: 'big people out',
        options: {
          format: { kind: 'parquet' },
          partitionKeys: [],
          destination: 'opfs',
          path: 'big-people',
          catalog: { database: 'hr', table: 'big_people' },
        },
      },
    ],
    edges: [
      { from: 'people', to: 'big', port: 0 },
      { from: 'big', to: 'doubled', port: 0 },
      { from: 'doubled', to: 'out', port: 0 },
    ],
  };
}

/** One row for the whole table: count, sums, and a digest of every row's kept columns in id order. */
const checksum = (table: string) =>
  `SELECT count(*) AS n, sum(amount) AS total, sum(doubled) AS twice, ` +
  `md5(string_agg(concat_ws('|', id, name, amount, doubled), ',' ORDER BY id)) AS digest FROM ${table}`;

describe('A job-made table shared as a package carries its recipe', () => {
  it('shares, re-zips, opens in a fresh browser: recipe shown, same rows, recipe opens as a job', async () => {
    const { page } = a;
    await crawlFolder(page, 'people');
    await crawlFolder(page, 'orders');
    await saveJobInPage(page, bigPeopleJob());
    await page.reload();
    await page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor();
    await page.goto(`${a.url}/#/jobs/${encodeURIComponent('big people')}`);
    await page.getByTestId('run-job').click();
    const link = page.getByTestId('job-runs-tab').locator('a[href*="/runs/"]').first();
    await link.waitFor({ timeout: 60_000 });
    await page.goto(`${a.url}/${(await link.getAttribute('href'))!}`);
    await expect
      .poll(() => page.getByTestId('run-state').innerText(), { timeout: 120_000 })
      .toMatch(/^(SUCCEEDED|FAILED|STOPPED|TIMEOUT)$/);
    expect(await page.getByTestId('run-state').innerText()).toBe('SUCCEEDED');

    const sender = cellsOf(await queryRows(page, a.url, checksum('hr.big_people')));
    expect(sender[0]!.split(' ')[0]).toBe(String(PEOPLE - 10));

    // Share… both tables, email hashed in each (one dialog: one salt).
    await page.goto(`${a.url}/#/catalog/hr`);
    await page.getByRole('checkbox', { name: 'Select hr.big_people to share' }).check();
    await page.getByRole('checkbox', { name: 'Select hr.orders to share' }).check();
    await page.getByTestId('share-selected').click();
    const dialog = page.getByTestId('share-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('share-title').fill('Big people');
    const tables = dialog.getByTestId('share-table');
    expect(await tables.count()).toBe(2);
    for (let i = 0; i < 2; i++)
      await tables.nth(i).getByTestId('treatment-email').selectOption('hashed');
    await dialog.getByTestId('destination-zip').check();
    const downloading = page.waitForEvent('download', { timeout: 120_000 });
    await dialog.getByTestId('share-start').click();
    const download = await downloading;
    const stored = join(dir, 'big-people.zip');
    await download.saveAs(stored);
    await dialog.getByTestId('share-done').waitFor();

    const out = join(dir, 'unzipped');
    execFileSync('unzip', ['-q', '-o', stored, '-d', out]);
    const doc = JSON.parse(readFileSync(join(out, 'datapackage.json'), 'utf8')) as DataPackage;
    const big = doc.resources.find((r) => r.title === 'hr.big_people')!;
    const orders = doc.resources.find((r) => r.title === 'hr.orders')!;
    expect(big.recipe).toBe('recipes/hr.big_people.json');
    expect(orders.recipe).toBeUndefined();
    const recipe = JSON.parse(readFileSync(join(out, big.recipe!), 'utf8'));
    expect(recipe.format).toBe('decant-recipe');
    expect(recipe.job.name).toBe('big people');

    // Hashed email: salted SHA-256 hex tokens, equal for equal values, never the value, and a
    // join on the tokens pairs the same rows as a join on the plain values.
    const at = (r: typeof big) => quoteLiteral(join(out, r.files[0]!.path));
    const tokens = await nativeRead(
      `(SELECT email FROM read_parquet(${at(big)}) UNION ALL SELECT email FROM read_parquet(${at(orders)}))`,
    );
    for (const { email } of tokens.rows) expect(String(email)).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(tokens.rows)).not.toContain('@example.org');
    const pairs = async (people: string, ord: string) =>
      (await nativeRead(`(SELECT count(*) AS n FROM ${people} p JOIN ${ord} o USING (email))`))
        .rows[0]!.n;
    const csv = (f: string) => `read_csv(${quoteLiteral(join(dir, f))})`;
    const plain = await pairs(
      `(SELECT * FROM ${csv('people/people.csv')} WHERE amount > 10)`,
      csv('orders/orders.csv'),
    );
    expect(Number(plain)).toBeGreaterThan(0);
    expect(await pairs(`read_parquet(${at(big)})`, `read_parquet(${at(orders)})`)).toEqual(plain);
    const distinct = await nativeRead(
      `(SELECT count(DISTINCT email) AS n FROM read_parquet(${at(big)}))`,
    );
    expect(Number(distinct.rows[0]!.n)).toBe(7);

    // The package re-made by Debian's zip: every entry deflated.
    const rezipped = join(dir, 'big-people-rezipped.zip');
    execFileSync('zip', ['-q', '-r', '-9', rezipped, '.'], { cwd: out });
    expect(execFileSync('unzip', ['-v', rezipped], { encoding: 'utf8' })).toMatch(
      /Defl:X .*\.parquet/,
    );

    const b = await openApp();
    try {
      await b.page.goto(`${b.url}/#/catalog`);
      await b.page.getByTestId('package-zip-input').setInputFiles(rezipped);
      await b.page.getByTestId('package-title').waitFor({ timeout: 60_000 });
      const table = b.page.getByTestId('package-table').filter({ hasText: 'big_people' });
      const shown = table.getByTestId('package-recipe');
      await shown.waitFor();
      expect(await shown.getByTestId('package-recipe-job').innerText()).toBe('big people');
      expect(await shown.getByTestId('package-recipe-sources').innerText()).toMatch(
        /^table hr\.people \(4 columns: id, name, email, amount\)$/,
      );
      expect(await shown.getByTestId('package-recipe-steps').allInnerTexts()).toEqual([
        expect.stringMatching(/Filter "amount > 10"\s+Derived Column "doubled"\s+/),
      ]);
      expect(
        await b.page
          .getByTestId('package-table')
          .filter({ hasText: 'orders' })
          .getByTestId('package-recipe')
          .count(),
      ).toBe(0);
      await table.getByTestId('package-preview').waitFor({ timeout: 60_000 });

      const db = await b.page.getByTestId('package-database').inputValue();
      await b.page.getByTestId('add-package').click();
      await b.page
        .locator('[data-testid=package-added], [data-testid=package-problem]')
        .first()
        .waitFor({ timeout: 120_000 });
      expect(await b.page.getByTestId('package-problem').count()).toBe(0);
      expect(cellsOf(await queryRows(b.page, b.url, checksum(`${db}.big_people`)))).toEqual(sender);

      // The recipe opens as a new job, its source waiting to be bound to B's own data.
      await b.page.goto(`${b.url}/#/package`);
      await b.page.getByTestId('package-title').waitFor();
      await b.page.getByTestId('open-package-recipe').click();
      await b.page.getByTestId('recipe-bind').waitFor({ timeout: 30_000 });
      expect(b.page.url()).toContain('#/jobs/big%20people');
      expect(await b.page.getByTestId('bind-source').count()).toBe(1);
      expect(await b.page.getByTestId('bind-source').innerText()).toContain('hr.people');
      expect(b.consoleErrors).toEqual([]);
    } finally {
      await b.browser.close();
    }
  }, 420_000);

  it('leaves the recipe out when its filter holds a value of a withheld column', async () => {
    const { page } = a;
    // The first share's dialog is still open, done.
    if (await page.getByTestId('share-dialog').isVisible())
      await page.getByRole('button', { name: 'Close' }).click();
    await page.goto(`${a.url}/#/catalog/hr/big_people`);
    await page.getByTestId('share-open').click();
    const dialog = page.getByTestId('share-dialog');
    await dialog.waitFor();
    const include = dialog.getByTestId('share-include-recipe');
    // On by default; hashing `amount`, which the job's filter compares with 10, unticks it.
    expect(await include.isChecked()).toBe(true);
    await dialog.getByTestId('treatment-amount').selectOption('hashed');
    await expect.poll(() => include.isChecked()).toBe(false);
    expect(await dialog.getByTestId('share-recipe-exposures').innerText()).toContain(
      'The recipe\'s filter on "amount" (step "amount > 10") holds a value of a withheld column',
    );
    await dialog.getByTestId('share-title').fill('Big people, no recipe');
    await dialog.getByTestId('destination-zip').check();
    const downloading = page.waitForEvent('download', { timeout: 120_000 });
    await dialog.getByTestId('share-start').click();
    const stored = join(dir, 'no-recipe.zip');
    await (await downloading).saveAs(stored);
    await dialog.getByTestId('share-done').waitFor();
    const listing = execFileSync('unzip', ['-Z1', stored], { encoding: 'utf8' }).split('\n');
    expect(listing).toContain('datapackage.json');
    expect(listing.filter((p) => p.startsWith('recipes/'))).toEqual([]);
    const doc = JSON.parse(
      execFileSync('unzip', ['-p', stored, 'datapackage.json'], { encoding: 'utf8' }),
    ) as DataPackage;
    expect(doc.resources[0]).not.toHaveProperty('recipe');
    expect(execFileSync('unzip', ['-p', stored, 'README.md'], { encoding: 'utf8' })).toContain(
      'was left out of this package',
    );
  }, 180_000);
});
