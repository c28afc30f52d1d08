// Issue 16's fault-injection suite: the page is closed in the middle of a write (a Glue import of
// many tables, a job run staging its files in OPFS, an "Add to catalog" copying a large file),
// then reopened in the same browser profile; IndexedDB, the run records and OPFS must hold the
// old state or the new, never half, and nothing the interrupted write staged may stay behind.
// (The crawl commit is closed midway in crawl-interrupted.test.ts.)
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newJob, type Job } from '../../src/jobs/model';
import { saveJobInPage } from '../support/page-storage';
import { storedState, whenOpfsHolds, type StoredState } from '../support/page-inspect';
import { card, openApp, settled, type AppPage } from './app-page';

let app: AppPage;
let context: BrowserContext;
/** The page open now: each test closes it midway and leaves a reopened one. */
let page: Page;
const tmp = mkdtempSync(join(tmpdir(), 'decant-faults-'));

beforeAll(async () => {
  app = await openApp();
  page = app.page;
  context = page.context();
});
afterAll(async () => {
  await app?.browser.close();
});

async function ready(p: Page) {
  await p.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor({ timeout: 60_000 });
}

/** Closes the page at once (no beforeunload: as a crash or a closed tab), opens it again. */
async function closeAndReopen(route: string): Promise<Page> {
  await page.close({ runBeforeUnload: false });
  page = await context.newPage();
  await page.goto(`${app.url}/#/${route}`);
  await ready(page);
  return page;
}

/** The stored state once the start-up sweeps have had their turn (the OPFS listing settles). */
/** OPFS paths without Quick convert's kept drops (its cards' inputs, kept across reloads). */
const withoutKeptDrops = (paths: string[]) =>
  paths.filter((f) => !f.startsWith('decant-quick-convert/'));

async function settledState(p: Page): Promise<StoredState> {
  let last = '';
  await expect
    .poll(
      async () => {
        const now = JSON.stringify((await storedState(p)).opfs);
        const same = now === last;
        last = now;
        return same;
      },
      { timeout: 20_000, interval: 300 },
    )
    .toBe(true);
  return storedState(p);
}

/** A Glue export of one database with `n` tables of `cols` columns each. */
function glueExport(n: number, cols: number): string {
  const columns = Array.from({ length: cols }, (_, i) => ({ Name: `col_${i}`, Type: 'string' }));
  return JSON.stringify({
    DatabaseList: [{ Name: 'imported', Description: 'from Glue' }],
    TableList: Array.from({ length: n }, (_, i) => ({
      DatabaseName: 'imported',
      TableInput: {
        Name: `t_${i}`,
        Parameters: { classification: 'csv' },
        StorageDescriptor: { Columns: columns, Location: `s3://bucket/t_${i}/` },
      },
    })),
  });
}

describe('Closing the page in the middle of a write (Chromium)', () => {
  it('a Glue import of many tables: all or nothing in IndexedDB, nothing in OPFS', async () => {
    const before = await storedState(page);
    const TABLES = 800;
    const path = join(tmp, 'glue.json');
    writeFileSync(path, glueExport(TABLES, 8));
    await page.goto(`${app.url}/#/catalog`);
    await page.getByTestId('import-input').setInputFiles(path);
    await expect
      .poll(() => page.getByTestId('import-plan').innerText(), { timeout: 30_000 })
      .toContain(`1 database(s) and ${TABLES} table(s) to create`);
    await page.getByTestId('apply-import').click();
    // Closed while the one transaction writes: the import has not been reported done.
    await page.waitForTimeout(150);
    expect(
      await page
        .getByRole('status')
        .filter({ hasText: /^Imported / })
        .count(),
    ).toBe(0);
    expect(await page.getByTestId('import-plan').count()).toBe(1);
    await closeAndReopen('catalog');

    const after = await settledState(page);
    const imported = after.tables.filter((t) => t.startsWith('imported.'));
    // The transaction either committed whole or not at all.
    expect([0, TABLES]).toContain(imported.length);
    expect(after.databases.includes('imported')).toBe(imported.length === TABLES);
    expect(after.opfs).toEqual(before.opfs);
    if (imported.length === 0) {
      // Nothing half-done is in the way: the same import goes through now.
      await page.getByTestId('import-input').setInputFiles(path);
      await page.getByTestId('apply-import').click();
      await page
        .getByRole('status')
        .filter({ hasText: `Imported 1 database(s), ${TABLES} table(s)` })
        .waitFor({ timeout: 60_000 });
    }
    expect((await storedState(page)).tables.filter((t) => t.startsWith('imported.'))).toHaveLength(
      TABLES,
    );
  });

  it('a job run staging its files in OPFS: FAILED interrupted, nothing staged left, bookmarks and catalog unchanged', async () => {
    // A generated CSV crawled into the catalog (its copy kept in OPFS).
    const rows = ['id,grp,amount'];
    for (let i = 0; i < 50_000; i++) rows.push(`${i},g${i % 120},${(i % 997) / 10}`);
    writeFileSync(join(tmp, 'orders.csv'), rows.join('\n') + '\n');
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('crawl-files-input').setInputFiles(join(tmp, 'orders.csv'));
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('lake');
    await page.getByTestId('run-crawl').click();
    await page.getByTestId('commit-crawl').click({ timeout: 60_000 });
    await page.getByTestId('crawl-committed').waitFor({ timeout: 60_000 });

    // A job with bookmarks over it, writing 120 Parquet partitions into OPFS, registered.
    const job: Job = {
      ...newJob('fault job'),
      bookmarks: 'enable',
      nodes: [
        {
          id: 'orders',
          kind: 'catalog-source',
          name: 'orders',
          options: { database: 'lake', table: 'orders' },
        },
        {
          id: 'out',
          kind: 'target',
          name: 'orders out',
          options: {
            format: { kind: 'parquet' },
            partitionKeys: ['grp'],
            destination: 'opfs',
            path: 'fault-out',
            catalog: { database: 'out', table: 'orders_by_grp' },
          },
        },
      ],
      edges: [{ from: 'orders', to: 'out', port: 0 }],
    };
    await saveJobInPage(page, job);
    await page.reload();
    await ready(page);
    const before = await settledState(page);
    expect(before.tables).toContain('lake.orders');

    await page.goto(`${app.url}/#/jobs/${encodeURIComponent('fault job')}`);
    await page.getByTestId('run-job').click();
    // Closed while the run writes its first staged file.
    const staged = await whenOpfsHolds(page, /^fault-out\/.*\.decant-tmp-/);
    expect(staged).toMatch(/^fault-out\/grp=g\d+\/\.decant-tmp-/);
    await closeAndReopen('catalog');

    const after = await settledState(page);
    expect(after.jobRuns).toHaveLength(1);
    expect(after.jobRuns[0]).toMatchObject({ job: 'fault job', state: 'FAILED' });
    expect(after.jobRuns[0]!.error).toContain('interrupted (the tab was closed)');
    // No staged (hidden) file, and no output under a final name either.
    expect(after.opfs.filter((f) => f.startsWith('fault-out/'))).toEqual([]);
    expect(after.opfs).toEqual(before.opfs);
    expect(after.bookmarks).toEqual(before.bookmarks);
    expect(after.databases).toEqual(before.databases);
    expect(after.tables).toEqual(before.tables);
    expect(after.partitions).toBe(before.partitions);
    const runPage = `${app.url}/#/jobs/${encodeURIComponent('fault job')}/runs/${encodeURIComponent(after.jobRuns[0]!.id)}`;
    await page.goto(runPage);
    await expect.poll(() => page.getByTestId('run-state').innerText()).toBe('FAILED');
  });

  it('a job run moving its staged files into place: FAILED interrupted, no partial output left visible', async () => {
    const before = await settledState(page);
    await page.goto(`${app.url}/#/jobs/${encodeURIComponent('fault job')}`);
    await page.getByTestId('run-job').click();
    // Closed once the first of its 120 files has its final name, the others still staged.
    const moved = await whenOpfsHolds(page, /^fault-out\/grp=g\d+\/part-/);
    expect(moved).toMatch(/\.parquet$/);
    await closeAndReopen('catalog');

    const after = await settledState(page);
    const runs = after.jobRuns.filter((r) => !before.jobRuns.some((b) => b.id === r.id));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ state: 'FAILED' });
    expect(runs[0]!.error).toContain('interrupted (the tab was closed)');
    // Half an output under final names would pass for a complete one: none is left.
    expect(after.opfs.filter((f) => f.startsWith('fault-out/'))).toEqual([]);
    expect(after.opfs).toEqual(before.opfs);
    expect(after.bookmarks).toEqual(before.bookmarks);
    expect(after.tables).toEqual(before.tables);
  });

  it('an "Add to catalog" converting a large file: no table, no database, no copy after the sweep', async () => {
    const big = join(tmp, 'big.csv');
    const line = 'x'.repeat(200);
    const chunk: string[] = [];
    for (let i = 0; i < 2_000; i++) chunk.push(`${i},${line}`);
    // ~400 MB, so the add (which converts the file first) takes long enough to be caught midway.
    const block = chunk.join('\n') + '\n';
    writeFileSync(big, 'id,text\n');
    for (let i = 0; i < 1_000; i++) appendFileSync(big, block);
    const before = await settledState(page);

    await page.goto(`${app.url}/#/convert`);
    await page.getByTestId('file-input').setInputFiles(big);
    expect(await settled(page, 'big.csv', ['ready', 'failed'], 120_000)).toBe('ready');
    const c = card(page, 'big.csv');
    await c.getByTestId('add-to-catalog').click();
    await c.getByTestId('add-database').fill('bulk');
    await c.getByTestId('add-table').fill('big');
    await c.getByTestId('confirm-add').click();
    // The add converts the file first; its Parquet is kept only once converted.
    await settled(page, 'big.csv', ['converting'], 120_000);
    // Closed while the add converts: it has not finished.
    expect(await c.getByTestId('open-in-catalog').count()).toBe(0);
    await closeAndReopen('catalog');

    const after = await settledState(page);
    expect(after.databases).toEqual(before.databases);
    expect(after.tables).toEqual(before.tables);
    // The card's own kept copy (Quick convert keeps its cards across reloads) is by design;
    // nothing else may be left, least of all the half-written catalog copy.
    expect(withoutKeptDrops(after.opfs)).toEqual(withoutKeptDrops(before.opfs));
  });

  it("a Quick convert: no output stored, nothing but the card's kept input", async () => {
    const before = await settledState(page);
    await page.goto(`${app.url}/#/convert`);
    await page.getByTestId('file-input').setInputFiles(join(tmp, 'big.csv'));
    expect(await settled(page, 'big.csv', ['ready', 'failed'], 120_000)).toBe('ready');
    await card(page, 'big.csv').getByTestId('convert').click();
    await settled(page, 'big.csv', ['converting']);
    await closeAndReopen('convert');

    // The conversion lived in memory: only the card's kept copy of its input is stored.
    const after = await settledState(page);
    expect({ ...after, opfs: withoutKeptDrops(after.opfs) }).toEqual({
      ...before,
      opfs: withoutKeptDrops(before.opfs),
    });
  });
});
