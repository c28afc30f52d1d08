import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { card, openApp, settled, type AppPage } from './app-page';
import { fixturePath } from '../support/fixtures';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let app: AppPage;
const tmp = mkdtempSync(join(tmpdir(), 'decant-catalog-'));
const DB = 'sales "db"';
const TABLE = 'events <1>';

beforeAll(async () => {
  app = await openApp();
});
afterAll(async () => {
  await app?.browser.close();
});

async function addToCatalog(page: Page, fileName: string, database: string, table: string) {
  const c = card(page, fileName);
  await c.getByTestId('add-to-catalog').click();
  await c.getByTestId('add-database').fill(database);
  await c.getByTestId('add-table').fill(table);
  await c.getByTestId('confirm-add').click();
  await c.getByTestId('open-in-catalog').waitFor();
}

async function openTable(page: Page, database: string, table: string) {
  await page.goto(
    `${app.url}/#/catalog/${encodeURIComponent(database)}/${encodeURIComponent(table)}`,
  );
  await page.getByTestId('table-detail').waitFor();
}

async function runSql(page: Page, sql: string) {
  await page.goto(`${app.url}/#/query`);
  await page.getByTestId('sql-editor').fill(sql);
  await page.getByTestId('run-sql').click();
  await page.locator('[data-testid=sql-meta], [data-testid=sql-error]').first().waitFor();
}

describe('Data Catalog in Chromium', () => {
  it('adds a dropped file as a table whose odd names survive, and shows its rows', async () => {
    const { page } = app;
    await page.getByTestId('file-input').setInputFiles([fixturePath('events.tsv')]);
    expect(await settled(page, 'events.tsv', ['ready', 'failed'])).toBe('ready');
    await addToCatalog(page, 'events.tsv', DB, TABLE);
    await card(page, 'events.tsv').getByTestId('open-in-catalog').click();
    await page.getByTestId('table-detail').waitFor();
    expect(await page.locator('#table-title').innerText()).toBe(`${DB}.${TABLE}`);
    await page.getByTestId('tab-data').click();
    await expect.poll(() => page.getByTestId('row-count').innerText()).toBe('3 rows');
    await expect
      .poll(() => page.getByTestId('virtual-grid').innerText())
      .toContain('2024-03-02 23:59:59');
  });

  it('is still there and queryable after a reload (file kept in OPFS)', async () => {
    const { page } = app;
    await page.reload();
    await openTable(page, DB, TABLE);
    await runSql(page, `SELECT count(*) AS n, sum(user_id) AS s\nFROM "sales ""db"""."events <1>"`);
    expect(await page.getByTestId('sql-meta').innerText()).toMatch(/^1 rows/);
    await expect
      .poll(() => page.getByTestId('virtual-grid').locator('[data-row="0"]').innerText())
      .toMatch(/^1\s+3\s+35$/);
  });

  it('places a SQL error at its line', async () => {
    const { page } = app;
    await runSql(page, 'SELECT 1\nFROM nowhere_at_all\nLIMIT 1');
    const err = page.getByTestId('sql-error');
    expect(await err.innerText()).toMatch(/line 2/i);
    expect(await err.locator('pre').innerText()).toContain('FROM nowhere_at_all');
  });

  it('renames a column (new version), shows the diff, and restores the old version', async () => {
    const { page } = app;
    await openTable(page, DB, TABLE);
    expect(await page.getByTestId('table-version').innerText()).toBe('1');
    await page.getByLabel('Name of column 4').fill('points');
    await page.getByTestId('save-column').nth(3).click();
    await expect.poll(() => page.getByTestId('table-version').innerText()).toBe('2');
    await page.getByTestId('tab-versions').click();
    const versions = page.getByTestId('versions');
    await expect.poll(() => versions.innerText()).toContain('points');
    expect(await versions.innerText()).toContain('score');
    await page.getByTestId('restore-version').first().click();
    await expect.poll(() => page.getByTestId('table-version').innerText()).toBe('3');
    await page.getByTestId('tab-schema').click();
    expect(await page.getByLabel('Name of column 4').inputValue()).toBe('score');
    // The restored schema is what the engine serves, too.
    await runSql(
      page,
      `SELECT score FROM "sales ""db"""."events <1>" WHERE score IS NOT NULL ORDER BY 1`,
    );
    expect(await page.getByTestId('sql-meta').innerText()).toMatch(/^2 rows/);
  });

  it('warns before a type change that would lose values, and computes statistics', async () => {
    const { page } = app;
    await openTable(page, DB, TABLE);
    await page.getByLabel('Type of column ts').selectOption('DATE');
    await page.getByTestId('save-column').first().click();
    // Timestamps with a time of day do cast to DATE, but lose the time: said before the save.
    const cut = page.getByTestId('cast-changes');
    await cut.waitFor();
    expect(await page.getByTestId('cast-failures').count()).toBe(0);
    expect(await cut.innerText()).toMatch(/^\d+ value\(s\) would change/);
    expect(await cut.innerText()).toMatch(/2024-03-0\d \d\d:\d\d:\d\d → 2024-03-0\d/);
    expect(await page.getByTestId('table-version').innerText()).toBe('3');
    await page.getByTestId('confirm-type').click();
    await expect.poll(() => page.getByTestId('table-version').innerText()).toBe('4');
    await page.getByLabel('Type of column active').selectOption('VARCHAR');
    await page.getByTestId('save-column').nth(2).click();
    await expect.poll(() => page.getByTestId('table-version').innerText()).toBe('5');
    // 'true'/'false' are not dates: the user is told before anything changes.
    await page.getByLabel('Type of column active').selectOption('DATE');
    await page.getByTestId('save-column').nth(2).click();
    const warning = page.getByTestId('cast-warning');
    await warning.waitFor();
    expect(await warning.innerText()).toContain('3 value(s)');
    expect(await warning.innerText()).toContain('"true"');
    await page.getByRole('button', { name: 'Keep VARCHAR' }).click();
    expect(await page.getByTestId('table-version').innerText()).toBe('5');

    await page.getByTestId('tab-statistics').click();
    await page.getByTestId('compute-stats').click();
    const stats = page.getByTestId('stats');
    await stats.waitFor();
    const row = async (col: string) =>
      (await stats.locator('tr', { hasText: col }).first().innerText()).split('\t');
    expect((await row('user_id'))[2]).toBe('1');
    expect((await row('score'))[2]).toBe('1');
  });

  it('exports Glue TableInput and Athena DDL', async () => {
    const { page } = app;
    await openTable(page, DB, TABLE);
    await page.getByTestId('tab-export').click();
    const json = JSON.parse(await page.getByTestId('table-input').innerText());
    expect(json.Name).toBe(TABLE);
    expect(json.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name)).toEqual([
      'ts',
      'user_id',
      'active',
      'score',
    ]);
    expect(await page.getByTestId('athena-ddl').innerText()).toMatch(
      /^CREATE EXTERNAL TABLE `sales "db"`\.`events <1>`/,
    );
  });

  it('shows a change made in one tab in another, without reload', async () => {
    const second = await app.page.context().newPage();
    await second.goto(`${app.url}/#/catalog`);
    await second.getByTestId('table-link').filter({ hasText: TABLE }).waitFor();
    await app.page.goto(`${app.url}/#/catalog`);
    await app.page.getByLabel('New database').fill('made in tab one');
    await app.page.getByRole('button', { name: 'Create' }).click();
    await second
      .getByRole('link', { name: 'made in tab one', exact: true })
      .waitFor({ timeout: 10_000 });
    await second.close();
  });

  it('deletes a table and undoes it', async () => {
    const { page } = app;
    await openTable(page, DB, TABLE);
    await page.getByTestId('delete-table').click();
    await page.getByTestId('undo-delete').waitFor();
    const link = page.getByTestId('table-link').filter({ hasText: TABLE });
    expect(await link.count()).toBe(0);
    await page.getByTestId('undo-delete').click();
    await link.waitFor();
    await runSql(page, `SELECT count(*) FROM "sales ""db"""."events <1>"`);
    expect(await page.getByTestId('sql-meta').innerText()).toMatch(/^1 rows/);
  });

  it('exports the catalog as Glue JSON and imports it back, reporting conflicts', async () => {
    const { page } = app;
    await page.goto(`${app.url}/#/catalog`);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export catalog (Glue JSON)' }).click();
    const path = join(tmp, 'catalog.json');
    await (await download).saveAs(path);
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    const entry = doc.TableList.find(
      (t: { TableInput: { Name: string } }) => t.TableInput.Name === TABLE,
    );
    expect(entry.DatabaseName).toBe(DB);
    // A changed description for the existing table, and a new table.
    entry.TableInput.Description = 'changed elsewhere';
    doc.TableList.push({
      DatabaseName: DB,
      TableInput: { ...structuredClone(entry.TableInput), Name: 'imported copy', Description: '' },
    });
    writeFileSync(path, JSON.stringify(doc));

    await page.getByTestId('import-input').setInputFiles(path);
    const plan = page.getByTestId('import-plan');
    await plan.waitFor();
    expect(await plan.innerText()).toContain('1 table(s) to create');
    expect(await plan.innerText()).toContain('1 conflict(s)');
    await page.getByTestId('apply-import').click();
    await page.getByTestId('table-link').filter({ hasText: 'imported copy' }).waitFor();
    await openTable(page, DB, TABLE);
    expect(await page.getByLabel('Description').inputValue()).toBe('');

    // Now the user chooses to overwrite: the old definition is kept as a version.
    await page.goto(`${app.url}/#/catalog`);
    await page.getByTestId('import-input').setInputFiles(path);
    await plan.waitFor();
    await plan.getByRole('checkbox').check();
    await page.getByTestId('apply-import').click();
    await openTable(page, DB, TABLE);
    await expect.poll(() => page.getByLabel('Description').inputValue()).toBe('changed elsewhere');
  });

  it('made no request outside its own origin', () => {
    expect(app.foreignRequests).toEqual([]);
  });
});
