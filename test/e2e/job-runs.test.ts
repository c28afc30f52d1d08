import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';
import { newJob, type Job, type JobNode } from '../../src/jobs/model';
import { fixturePath } from '../support/fixtures';
import { salesFolderFiles, slowJob } from '../support/e2e-jobs';
import { putOpfs, saveJobInPage, scratchNames } from '../support/page-storage';
import { nativeRead } from '../support/native-duckdb';
import { cellsOf, openApp, queryRows, type AppPage } from './app-page';

/**
 * Job runs in Chromium: a filter + aggregate job over a crawled folder, written to OPFS as
 * partitioned Parquet and registered in the catalog, read back with native DuckDB; a second run
 * with bookmarks reads only the file added since; a cancelled run writes nothing; a reload
 * mid-run leaves the run FAILED "interrupted".
 */

let app: AppPage;
const out = mkdtempSync(join(tmpdir(), 'h7-e2e-jobs-'));

beforeAll(async () => {
  app = await openApp();
});
afterAll(async () => {
  await app?.browser.close();
});

/** Every file under an OPFS folder, as base64, by relative path ({} when there is no folder). */
async function readOpfs(page: Page, root: string): Promise<Record<string, string>> {
  return page.evaluate(async (root) => {
    const found: Record<string, string> = {};
    let top: FileSystemDirectoryHandle;
    try {
      top = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
    } catch {
      return found;
    }
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
      const entries = (
        dir as FileSystemDirectoryHandle & {
          entries(): AsyncIterable<[string, FileSystemHandle]>;
        }
      ).entries();
      for await (const [name, h] of entries) {
        if (h.kind === 'directory') await walk(h as FileSystemDirectoryHandle, `${prefix}${name}/`);
        else {
          const bytes = new Uint8Array(
            await (await (h as FileSystemFileHandle).getFile()).arrayBuffer(),
          );
          let bin = '';
          for (const b of bytes) bin += String.fromCharCode(b);
          found[`${prefix}${name}`] = btoa(bin);
        }
      }
    };
    await walk(top, '');
    return found;
  }, root);
}

/** Copies OPFS files out of the browser into a fresh folder on disk; returns it. */
function copyOut(files: Record<string, string>, only: (path: string) => boolean = () => true) {
  const dir = mkdtempSync(join(out, 'run-'));
  for (const [path, b64] of Object.entries(files)) {
    if (!only(path)) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), Buffer.from(b64, 'base64'));
  }
  return dir;
}

async function crawl(page: Page, crawler: string, create: boolean) {
  await page.goto(`${app.url}/#/crawl`);
  if (create) {
    await page.getByTestId('new-crawler').click();
    await page.getByTestId('crawler-name').fill(crawler);
    await page.getByTestId('crawl-database').fill('warehouse');
    const folder = page.getByTestId('crawl-opfs-folder');
    await folder.focus();
    await expect.poll(() => folder.locator('option').allInnerTexts()).toContain('lake-files');
    await folder.selectOption('lake-files');
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('save-crawler').click();
    await expect
      .poll(() => page.getByTestId('crawler-sources').innerText())
      .toContain('lake-files/');
  } else {
    await page.getByRole('button', { name: crawler }).click();
  }
  await page.getByTestId('run-crawl').click();
  await page
    .locator('[data-testid=crawl-plan], [data-testid=crawl-error]')
    .first()
    .waitFor({ timeout: 60_000 });
  if (await page.getByTestId('crawl-error').count())
    throw new Error(await page.getByTestId('crawl-error').innerText());
  await page.getByTestId('commit-crawl').click();
  await page.getByTestId('crawl-committed').waitFor();
}

/** Saves a job straight into the app's IndexedDB (as the editor's Save does), then reloads. */
async function saveJob(page: Page, job: Job) {
  await saveJobInPage(page, job);
  await page.reload();
  await page
    .getByTestId('engine-status')
    .filter({ hasText: 'DuckDB' })
    .waitFor({ timeout: 60_000 });
}

const source: JobNode = {
  id: 'sales',
  kind: 'catalog-source',
  name: 'sales',
  options: { database: 'warehouse', table: 'lake_files_sales' },
};

function salesJob(): Job {
  return {
    ...newJob('daily sales'),
    bookmarks: 'enable',
    parameters: [{ name: 'min_price', value: '2' }],
    nodes: [
      source,
      {
        id: 'dear',
        kind: 'filter',
        name: 'price > min',
        options: {
          filter: {
            combine: 'AND',
            clauses: [
              { column: 'price', op: 'GT', value: { kind: 'constant', value: '${min_price}' } },
            ],
          },
        },
      },
      {
        id: 'by-sku',
        kind: 'aggregate',
        name: 'revenue by sku',
        options: {
          groupBy: ['year', 'sku'],
          aggregations: [
            { column: 'price', fn: 'sum', as: 'revenue' },
            { column: '*', fn: 'count', as: 'sales' },
          ],
        },
      },
      {
        id: 'out',
        kind: 'target',
        name: 'sales out',
        options: {
          format: { kind: 'parquet' },
          partitionKeys: ['year'],
          destination: 'opfs',
          path: 'sales-out',
          catalog: { database: 'out', table: 'sales_by_sku' },
        },
      },
    ],
    edges: [
      { from: 'sales', to: 'dear', port: 0 },
      { from: 'dear', to: 'by-sku', port: 0 },
      { from: 'by-sku', to: 'out', port: 0 },
    ],
  };
}

/** A job slow enough to stop: 30 million hashed rows into Parquet. */
const slowSales = (): Job => slowJob('slow', source, 'slow-out');

/** A job's runs as stored: [attempt, state], by attempt; all of one chain of retries. */
async function runsOf(page: Page, job: string): Promise<[number, string][]> {
  const runs = await page.evaluate(async (job) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('decant');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const all = await new Promise<{ attempt: number; state: string; firstRunId: string }[]>(
      (resolve, reject) => {
        const r = db.transaction('jobRuns').objectStore('jobRuns').index('by-job').getAll(job);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      },
    );
    db.close();
    return all;
  }, job);
  expect(new Set(runs.map((r) => r.firstRunId)).size).toBeLessThanOrEqual(1);
  return runs.map((r) => [r.attempt, r.state] as [number, string]).sort((a, b) => a[0] - b[0]);
}

/** Clicks Run on the job's page; returns the run id once the run page shows it. */
async function startRun(page: Page, job: string): Promise<string> {
  await page.goto(`${app.url}/#/jobs/${encodeURIComponent(job)}`);
  await page.getByTestId('run-job').click();
  const link = page.getByTestId('job-runs-tab').locator('a[href*="/runs/"]').first();
  await link.waitFor({ timeout: 60_000 });
  const href = (await link.getAttribute('href'))!;
  const id = decodeURIComponent(href.split('/runs/')[1]!);
  await page.goto(`${app.url}/${href}`);
  await page.getByTestId('job-run').waitFor();
  return id;
}

async function finalState(page: Page): Promise<string> {
  const state = page.getByTestId('run-state');
  await expect
    .poll(() => state.innerText(), { timeout: 120_000 })
    .toMatch(/^(SUCCEEDED|FAILED|STOPPED|TIMEOUT)$/);
  return state.innerText();
}

const order = 'ORDER BY year, sku';
const nativeAnswer = (files: string) =>
  nativeRead(
    `(SELECT year::INT AS year, sku, sum(price) AS revenue, count(*) AS sales ` +
      `FROM read_csv(${quoteLiteral(files)}, hive_partitioning = true) WHERE price > 2 ` +
      `GROUP BY ALL ${order})`,
  );
const readOutput = (dir: string) =>
  nativeRead(
    `(SELECT year::INT AS year, sku, revenue, sales FROM ` +
      `read_parquet(${quoteLiteral(`${dir}/**/*.parquet`)}, hive_partitioning = true) ${order})`,
  );

describe('Job runs in Chromium', () => {
  it('runs filter + aggregate to partitioned Parquet in OPFS; bookmarks read only new files', async () => {
    const { page } = app;
    await putOpfs(page, 'lake-files', salesFolderFiles());
    await crawl(page, 'sales crawler', true);
    await saveJob(page, salesJob());

    const first = await startRun(page, 'daily sales');
    expect(await finalState(page)).toBe('SUCCEEDED');
    expect(await page.getByTestId('source-files').innerText()).toBe('3');
    // Rows in, from the row counts the crawl recorded (the fixture's 5).
    expect(await page.getByTestId('source-rows').innerText()).toBe('5');
    expect(await page.getByTestId('target-rows').innerText()).toBe('4');
    // Nothing to skip yet: the source reads the table's view.
    expect(await page.getByTestId('run-sql').textContent()).toContain(
      'SELECT * FROM "warehouse"."lake_files_sales"',
    );

    const written = await readOpfs(page, 'sales-out');
    const names = Object.keys(written).sort();
    expect(names).toEqual([
      `year=2024/part-${first}-00000.parquet`,
      `year=2025/part-${first}-00001.parquet`,
    ]);
    const firstOut = await readOutput(copyOut(written));
    expect(firstOut.rows).toEqual((await nativeAnswer(`${fixturePath('sales')}/*/*/*.csv`)).rows);

    // Registered as a Parquet table: the Query area reads it.
    expect(
      cellsOf(
        await queryRows(
          page,
          app.url,
          'SELECT year, sku, revenue, sales FROM out.sales_by_sku ORDER BY ALL',
        ),
      ),
    ).toEqual(['2024 b 2.5 1', '2024 c 3.5 1', '2025 d 4.5 1', '2025 e 5.5 1']);

    // A new file; the crawler picks it up; the next run reads only it.
    await putOpfs(page, 'lake-files', {
      'sales/year=2025/month=02/part-0.csv': 'id,sku,price\n9,z,7.5\n10,z,1.0\n',
    });
    await crawl(page, 'sales crawler', false);
    await page.goto(`${app.url}/#/jobs/${encodeURIComponent('daily sales')}`);
    const second = await startRun(page, 'daily sales');
    expect(await finalState(page)).toBe('SUCCEEDED');
    expect(await page.getByTestId('source-files').innerText()).toBe('1');
    expect(await page.getByTestId('source-rows').innerText()).toBe('2');
    // The bookmark skips the three processed files: the source reads just the new one.
    expect(await page.getByTestId('run-sql').textContent()).toContain('read_csv');
    expect(await page.getByTestId('run-log').innerText()).toContain('3 skipped (bookmark)');
    const again = await readOpfs(page, 'sales-out');
    const secondOut = await readOutput(copyOut(again, (p) => p.includes(second)));
    expect(secondOut.rows).toEqual([{ year: 2025, sku: 'z', revenue: 7.5, sales: '1' }]);
    expect(Object.keys(again)).toHaveLength(3);
    expect(
      cellsOf(await queryRows(page, app.url, 'SELECT count(*) FROM out.sales_by_sku')),
    ).toEqual(['5']);

    // Nothing new: the run succeeds and writes no file (as Glue).
    await startRun(page, 'daily sales');
    expect(await finalState(page)).toBe('SUCCEEDED');
    expect(await page.getByTestId('source-files').innerText()).toBe('0');
    expect(await page.getByTestId('target-rows').innerText()).toBe('0');
    expect(await page.getByTestId('run-log').innerText()).toContain(
      'no rows, so no file is written',
    );
    expect(Object.keys(await readOpfs(page, 'sales-out'))).toHaveLength(3);

    // The job page's runs and bookmarks: nothing left to read; rewind to the first run → the
    // added file again; reset → every file.
    await page.goto(`${app.url}/#/jobs/${encodeURIComponent('daily sales')}`);
    await page.getByTestId('tab-runs').click();
    const panel = page.getByTestId('job-runs-panel');
    const nextCount = panel.getByTestId('next-count');
    await expect.poll(() => nextCount.innerText()).toBe('0');
    expect(await panel.getByTestId('job-run-row').count()).toBe(3);
    const firstRow = panel.getByTestId('job-run-row').filter({ hasText: first });
    await firstRow.getByRole('button', { name: 'Rewind here' }).click();
    await expect.poll(() => nextCount.innerText()).toBe('1');
    expect(await panel.getByTestId('next-files').textContent()).toContain(
      'year=2025/month=02/part-0.csv',
    );
    await panel.getByRole('button', { name: 'Reset bookmarks' }).click();
    await expect.poll(() => nextCount.innerText()).toBe('4');

    // A run with an argument over the job's parameter: --min_price 5 keeps e (5.5) and z (7.5).
    const args = panel.getByTestId('run-arguments');
    expect(await args.inputValue()).toBe('--min_price 2');
    await args.fill('--min_price "5"');
    await panel.getByTestId('run-with-arguments').click();
    await page.getByTestId('job-run').waitFor();
    expect(await finalState(page)).toBe('SUCCEEDED');
    expect(await page.getByTestId('run-metrics').innerText()).toContain('--min_price 5');
    expect(await page.getByTestId('target-rows').innerText()).toBe('2');
    expect(await page.getByTestId('source-files').innerText()).toBe('4');
  });

  it('writes two targets: a partitioned zip download and CSV in OPFS registered as a table', async () => {
    const { page } = app;
    const base = salesJob();
    const job: Job = {
      ...base,
      name: 'two targets',
      bookmarks: 'disable',
      nodes: [
        ...base.nodes.filter((n) => n.kind !== 'target'),
        {
          id: 'zip',
          kind: 'target',
          name: 'zip out',
          options: {
            format: { kind: 'parquet', compression: 'snappy' },
            partitionKeys: ['year'],
            destination: 'download',
            path: 'sales-zip',
          },
        },
        {
          id: 'csv',
          kind: 'target',
          name: 'csv out',
          options: {
            format: { kind: 'csv', delimiter: ';' },
            partitionKeys: [],
            destination: 'opfs',
            path: 'sales-csv',
            catalog: { database: 'out', table: 'sales_csv' },
          },
        },
      ],
      edges: [
        ...base.edges.filter((e) => e.to !== 'out'),
        { from: 'by-sku', to: 'zip', port: 0 },
        { from: 'by-sku', to: 'csv', port: 0 },
      ],
    };
    await saveJob(page, job);
    const download = page.waitForEvent('download');
    await startRun(page, 'two targets');
    expect(await finalState(page)).toBe('SUCCEEDED');
    const d = await download;
    expect(d.suggestedFilename()).toBe('sales-zip.zip');
    const zip = join(mkdtempSync(join(out, 'zip-')), 'out.zip');
    await d.saveAs(zip);
    const unzipped = mkdtempSync(join(out, 'unzipped-'));
    execFileSync('unzip', ['-q', zip, '-d', unzipped]);
    expect(readdirSync(join(unzipped, 'sales-zip')).sort()).toEqual(['year=2024', 'year=2025']);
    // The partition files and the zip went through scratch files of OPFS: none is left after.
    await expect.poll(() => scratchNames(page), { timeout: 120_000, interval: 1000 }).toEqual([]);
    // Every file now, the one added by the first test included (bookmarks are off here).
    expect((await readOutput(join(unzipped, 'sales-zip'))).rows).toEqual([
      ...(await nativeAnswer(`${fixturePath('sales')}/*/*/*.csv`)).rows,
      { year: 2025, sku: 'z', revenue: 7.5, sales: '1' },
    ]);

    const csv = Object.entries(await readOpfs(page, 'sales-csv'));
    expect(csv).toHaveLength(1);
    const lines = Buffer.from(csv[0]![1], 'base64').toString('utf8').split('\n');
    expect(lines[0]).toBe('year;sku;revenue;sales');
    expect(lines.slice(1).sort()).toEqual([
      '',
      '2024;b;2.5;1',
      '2024;c;3.5;1',
      '2025;d;4.5;1',
      '2025;e;5.5;1',
      '2025;z;7.5;1',
    ]);
    expect(
      cellsOf(
        await queryRows(
          page,
          app.url,
          'SELECT year, sku, revenue, sales FROM out.sales_csv ORDER BY ALL',
        ),
      ),
    ).toEqual(['2024 b 2.5 1', '2024 c 3.5 1', '2025 d 4.5 1', '2025 e 5.5 1', '2025 z 7.5 1']);
  });

  it('a cancelled run ends STOPPED and writes nothing', async () => {
    const { page } = app;
    await saveJob(page, slowSales());
    const id = await startRun(page, 'slow');
    await expect
      .poll(() => page.getByTestId('run-state').innerText(), { timeout: 60_000 })
      .toBe('RUNNING');
    // One run of a job at a time: a second Run is refused while this one runs.
    await page.goto(`${app.url}/#/jobs/slow`);
    await page.getByTestId('run-job').click();
    await expect
      .poll(() => page.getByTestId('editor-message').innerText())
      .toBe('job: "slow" is already running; wait for that run or stop it');
    await page.goto(`${app.url}/#/jobs/slow/runs/${id}`);
    await page.getByTestId('run-progress').waitFor();
    // A second tab on the same run: its lock is held here, so it is not taken for interrupted,
    // and the tab follows the run's state.
    const other = await page.context().newPage();
    await other.goto(`${app.url}/#/jobs/slow/runs/${id}`);
    await other.getByTestId('job-run').waitFor({ timeout: 60_000 });
    expect(await other.getByTestId('run-state').innerText()).toBe('RUNNING');
    await page.getByTestId('run-cancel').click();
    expect(await finalState(page)).toBe('STOPPED');
    await expect.poll(() => other.getByTestId('run-state').innerText()).toBe('STOPPED');
    await other.close();
    expect(await page.getByTestId('run-log').innerText()).toContain('stopped; nothing was written');
    expect(await readOpfs(page, 'slow-out')).toEqual({});
  });

  it('a run over its timeout ends TIMEOUT; a failing run is retried as the job says', async () => {
    const { page } = app;
    await saveJob(page, { ...slowSales(), name: 'slow timeout', timeoutMinutes: 0.03 });
    await startRun(page, 'slow timeout');
    expect(await finalState(page)).toBe('TIMEOUT');
    expect(await page.getByTestId('run-error').innerText()).toContain(
      'timed out after 1.8 s; nothing was written',
    );
    expect(await readOpfs(page, 'slow-out')).toEqual({});

    const failing: Job = {
      ...slowSales(),
      name: 'failing',
      maxRetries: 2,
      nodes: slowSales().nodes.map((n) =>
        n.kind === 'sql-query'
          ? { ...n, options: { ...n.options, query: "SELECT CAST('x' AS INTEGER) AS n" } }
          : n,
      ),
    };
    await saveJob(page, failing);
    await startRun(page, 'failing');
    expect(await finalState(page)).toBe('FAILED');
    expect(await page.getByTestId('run-error').innerText()).toContain('Conversion Error');
    // Placed on the node whose query fails, not on the target that ran it.
    expect(await page.getByTestId('run-error-node').getAttribute('data-node')).toBe('many');
    expect(await page.getByTestId('run-error').innerText()).toContain(
      'SQL Query "many rows": Conversion Error',
    );
    // Attempts 0, 1 and 2, all FAILED, one chain.
    await expect
      .poll(() => runsOf(page, 'failing'), { timeout: 60_000 })
      .toEqual([
        [0, 'FAILED'],
        [1, 'FAILED'],
        [2, 'FAILED'],
      ]);
  });

  it('a reload mid-run leaves the run FAILED "interrupted (the tab was closed)"', async () => {
    const { page } = app;
    const id = await startRun(page, 'slow');
    await expect
      .poll(() => page.getByTestId('run-state').innerText(), { timeout: 60_000 })
      .toBe('RUNNING');
    // As if the tab closed while the run staged its files: a hidden, never-renamed part.
    await putOpfs(page, 'slow-out', { [`.decant-tmp-${id}-part-${id}-00000.parquet`]: 'PAR1…' });
    await page.reload();
    await page.getByTestId('job-run').waitFor({ timeout: 60_000 });
    expect(page.url()).toContain(encodeURIComponent(id));
    expect(await finalState(page)).toBe('FAILED');
    expect(await page.getByTestId('run-error').innerText()).toContain(
      'interrupted (the tab was closed)',
    );
    // The sweep at load removed what the interrupted run staged.
    await expect.poll(() => readOpfs(page, 'slow-out')).toEqual({});
  });
});
