// A refused "Add to catalog" stores nothing (no database, no table, no copy in OPFS), names DuckDB
// would confuse are refused, and the Query area's chips insert names DuckDB reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { card, openApp, queryRows, settled, type AppPage } from './app-page';
import { fixturePath } from '../support/fixtures';

let app: AppPage;
const tmp = mkdtempSync(join(tmpdir(), 'decant-add-'));
const big = join(tmp, 'big.csv');

beforeAll(async () => {
  let text = 'id,name\n';
  // Random names: the Parquet copy cannot compress below the full quota's 64 kB of room.
  for (let i = 0; i < 80_000; i++) text += `${i},name ${randomBytes(12).toString('hex')}\n`;
  writeFileSync(big, text);
  const movies = [
    { title: 'Alien', year: 1979 },
    { title: 'Heat', year: 1995 },
  ];
  writeFileSync(join(tmp, 'movies.json'), JSON.stringify(movies, null, 2));
  writeFileSync(join(tmp, 'films.ndjson'), movies.map((m) => JSON.stringify(m)).join('\n'));
  app = await openApp();
  await app.page
    .getByTestId('file-input')
    .setInputFiles([fixturePath('events.tsv'), fixturePath('late-string.csv'), big]);
  for (const f of ['events.tsv', 'late-string.csv', 'big.csv'])
    expect(await settled(app.page, f, ['ready', 'failed'])).toBe('ready');
});
afterAll(async () => {
  await app?.browser.close();
});

/** What the browser holds: catalog databases and tables (IndexedDB), and the OPFS copies. */
async function stored(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('decant');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const keys = (store: string) =>
      new Promise<IDBValidKey[]>((resolve, reject) => {
        const r = db.transaction(store).objectStore(store).getAllKeys();
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const databases = (await keys('databases')).map(String);
    const tables = (await keys('tables')).map((k) => (k as string[]).join('.'));
    db.close();
    const root = await navigator.storage.getDirectory();
    const copies: string[] = [];
    try {
      const dir = (await root.getDirectoryHandle('decant-files')) as FileSystemDirectoryHandle & {
        keys(): AsyncIterable<string>;
      };
      for await (const name of dir.keys()) copies.push(name);
    } catch {
      // No copy was ever made.
    }
    return { databases: databases.sort(), tables: tables.sort(), copies: copies.length };
  });
}

/** Fills the add form of `fileName`'s card and submits; the form stays open on a refusal. */
async function tryAdd(page: Page, fileName: string, database: string, table: string) {
  const c = card(page, fileName);
  if (await c.getByTestId('add-to-catalog').count()) await c.getByTestId('add-to-catalog').click();
  await c.getByTestId('add-database').fill(database);
  await c.getByTestId('add-table').fill(table);
  await c.getByTestId('confirm-add').click();
  await c.locator('[data-testid=open-in-catalog], [data-testid=add-problem]').first().waitFor();
  const problem = c.getByTestId('add-problem');
  return (await problem.count()) ? await problem.innerText() : 'added';
}

describe('Add to catalog: refusals leave nothing behind', () => {
  it('adds sales.orders, then refuses Sales.Orders and sales.ORDERS naming the existing one', async () => {
    const { page } = app;
    expect(await tryAdd(page, 'events.tsv', 'sales', 'orders')).toBe('added');
    expect(await stored(page)).toEqual({
      databases: ['sales'],
      tables: ['sales.orders'],
      copies: 1,
    });

    expect(await tryAdd(page, 'late-string.csv', 'Sales', 'Orders')).toContain(
      'database "Sales" differs from the existing database "sales" only in case',
    );
    expect(await tryAdd(page, 'late-string.csv', 'sales', 'ORDERS')).toContain(
      'differs from the existing table "sales"."orders" only in case',
    );
    expect(await tryAdd(page, 'late-string.csv', 'sales', 'orders')).toContain(
      'table "sales"."orders" already exists',
    );
    expect(await stored(page)).toEqual({
      databases: ['sales'],
      tables: ['sales.orders'],
      copies: 1,
    });
    // The one table is what "Sales"."Orders" finds.
    const rows = await queryRows(page, app.url, 'SELECT count(*) FROM "Sales"."Orders"');
    expect(rows[0]).toMatch(/^1\s+3$/);
  });

  it('refuses reserved database names with a reason', async () => {
    const { page } = app;
    for (const name of ['temp', 'information_schema', 'main']) {
      await page.goto(`${app.url}/#/convert`);
      expect(await tryAdd(page, 'late-string.csv', name, 'codes')).toContain(
        `database name "${name}" is reserved`,
      );
    }
    expect(await stored(page)).toEqual({
      databases: ['sales'],
      tables: ['sales.orders'],
      copies: 1,
    });
  });

  it('under a full quota, says the storage is full and stores neither database nor copy', async () => {
    const { page } = app;
    const cdp = await page.context().newCDPSession(page);
    const origin = new URL(app.url).origin;
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 64 * 1024 });
    try {
      await page.goto(`${app.url}/#/convert`);
      expect(await tryAdd(page, 'big.csv', 'bulk', 'big')).toContain(
        "the browser's storage is full",
      );
      expect(await stored(page)).toEqual({
        databases: ['sales'],
        tables: ['sales.orders'],
        copies: 1,
      });
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    }
    // With room again, the same add goes through.
    expect(await tryAdd(page, 'big.csv', 'bulk', 'big')).toBe('added');
    expect(await stored(page)).toEqual({
      databases: ['bulk', 'sales'],
      tables: ['bulk.big', 'sales.orders'],
      copies: 2,
    });
  });
});

describe('Query chips', () => {
  it('insert "default".events, which runs, and leave sales.orders bare', async () => {
    const { page } = app;
    await page.goto(`${app.url}/#/convert`);
    expect(await tryAdd(page, 'late-string.csv', 'default', 'events')).toBe('added');
    await page.goto(`${app.url}/#/query`);
    const chips = page.getByTestId('table-chip');
    await expect.poll(() => chips.allInnerTexts()).toContain('"default".events');
    expect(await chips.allInnerTexts()).toContain('sales.orders');
    await page.getByTestId('sql-editor').fill('SELECT count(*) FROM ');
    await page.getByTestId('sql-editor').press('End');
    await chips.filter({ hasText: '"default".events' }).click();
    expect(await page.getByTestId('sql-editor').innerText()).toBe(
      'SELECT count(*) FROM "default".events',
    );
    await page.getByTestId('run-sql').click();
    await page.getByTestId('sql-meta').waitFor();
    await expect
      .poll(() => page.getByTestId('virtual-grid').locator('[data-row="0"]').innerText())
      .toMatch(/^1\s+30001$/);
    // Typed bare, DuckDB cannot read it; the app says why and how.
    await page.getByTestId('sql-editor').fill('SELECT count(*) FROM default.events');
    await page.getByTestId('run-sql').click();
    await page.getByTestId('sql-hint').waitFor();
    expect(await page.getByTestId('sql-hint').innerText()).toContain(
      'default is an SQL keyword: as a database or table name it goes in double quotes',
    );
  });
});

describe('JSON tables and Athena', () => {
  async function crawlFile(page: Page, file: string) {
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('crawl-files-input').setInputFiles(join(tmp, file));
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('lake');
    await page.getByTestId('run-crawl').click();
    await page.getByTestId('commit-crawl').waitFor({ timeout: 60_000 });
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();
  }

  it('says a JSON-array table cannot be read by Athena, on its page and in the DDL, and offers a rewrite job', async () => {
    const { page } = app;
    await crawlFile(page, 'movies.json');
    await page.goto(`${app.url}/#/catalog/lake/movies`);
    const warning = page.getByTestId('athena-json-warning');
    await warning.waitFor();
    expect(await warning.innerText()).toContain('these files hold a JSON array');
    await page.getByTestId('tab-export').click();
    const ddl = await page.getByTestId('athena-ddl').innerText();
    expect(ddl).toMatch(/^-- WARNING: Athena's JSON SerDe reads one JSON object per line/);
    expect(ddl).toContain('CREATE EXTERNAL TABLE `lake`.`movies`');

    await page.getByTestId('rewrite-ndjson').click();
    await page.waitForURL(/#\/jobs\//);
    expect(decodeURIComponent(page.url())).toContain('rewrite lake.movies as NDJSON');
  });

  it('says nothing of the kind for an NDJSON table', async () => {
    const { page } = app;
    await crawlFile(page, 'films.ndjson');
    await page.goto(`${app.url}/#/catalog/lake/films`);
    await page.getByTestId('table-detail').waitFor();
    await page.getByTestId('tab-export').click();
    expect(await page.getByTestId('athena-ddl').innerText()).toMatch(/^CREATE EXTERNAL TABLE/);
    expect(await page.getByTestId('athena-json-warning').count()).toBe(0);
  });
});

describe('Glue import of a reserved database name', () => {
  it('offers a rename, then imports under the chosen name', async () => {
    const { page } = app;
    const path = join(tmp, 'reserved.json');
    writeFileSync(
      path,
      JSON.stringify({
        DatabaseList: [{ Name: 'information_schema', Description: 'from Glue' }],
        TableList: [
          {
            DatabaseName: 'information_schema',
            TableInput: {
              Name: 'columns',
              Parameters: { classification: 'csv' },
              StorageDescriptor: { Columns: [{ Name: 'a', Type: 'string' }] },
            },
          },
        ],
      }),
    );
    await page.goto(`${app.url}/#/catalog`);
    await page.getByTestId('import-input').setInputFiles(path);
    const renames = page.getByTestId('import-renames');
    await renames.waitFor();
    expect(await renames.innerText()).toContain('database name "information_schema" is reserved');
    expect(await page.getByTestId('import-plan').innerText()).toContain(
      '0 database(s) and 0 table(s) to create',
    );
    await page.getByLabel('New name for information_schema').fill('glue_info');
    await page.getByTestId('import-rename').click();
    await expect
      .poll(() => page.getByTestId('import-plan').innerText())
      .toContain('1 database(s) and 1 table(s) to create');
    await page.getByTestId('apply-import').click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Imported 1 database(s), 1 table(s)' })
      .waitFor();
    const { databases, tables } = await stored(page);
    expect(databases).toContain('glue_info');
    expect(databases).not.toContain('information_schema');
    expect(tables).toContain('glue_info.columns');
  });
});
