import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, type AppPage } from './app-page';
import { fixturePath } from '../support/fixtures';
import { nativeRead } from '../support/native-duckdb';
import { saveJobInPage } from '../support/page-storage';
import { quoteLiteral } from '../../src/core/sql/quote';
import { newJob, type Job } from '../../src/jobs/model';

const work = mkdtempSync(join(tmpdir(), 'recipes-e2e-'));
let sender: AppPage;
let recipient: AppPage | undefined;

beforeAll(async () => {
  sender = await openApp();
});
afterAll(async () => {
  await sender?.browser.close();
  await recipient?.browser.close();
});

async function crawl(page: Page, url: string, pick: () => Promise<void>, database: string) {
  await page.goto(`${url}/#/crawl`);
  await pick();
  await page.getByTestId('crawl-found').waitFor();
  await page.getByTestId('crawl-database').fill(database);
  await page.getByTestId('run-crawl').click();
  await page.getByTestId('crawl-plan').waitFor({ timeout: 60_000 });
  await page.getByTestId('commit-crawl').click();
  await page.getByTestId('crawl-committed').waitFor();
}

const JOB = 'sales over 2';

/** lake.sales → price > 2 → gross = price * 1.2 → Parquet download. */
function salesJob(): Job {
  return {
    ...newJob(JOB),
    description: 'sales dearer than 2',
    parameters: [{ name: 'min_price', value: '2' }],
    nodes: [
      {
        id: 'sales',
        kind: 'catalog-source',
        name: 'sales',
        position: { x: 40, y: 40 },
        options: { database: 'lake', table: 'sales' },
      },
      {
        id: 'dear',
        kind: 'filter',
        name: 'price > min',
        position: { x: 280, y: 40 },
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
        id: 'gross',
        kind: 'derived-column',
        name: 'with tax',
        position: { x: 400, y: 40 },
        options: { column: 'gross', expression: 'price * 1.2' },
      },
      {
        id: 'out',
        kind: 'target',
        name: 'recipe out',
        position: { x: 520, y: 40 },
        options: {
          format: { kind: 'parquet' },
          partitionKeys: [],
          destination: 'download',
          path: 'recipe-out',
        },
      },
    ],
    edges: [
      { from: 'sales', to: 'dear', port: 0 },
      { from: 'dear', to: 'gross', port: 0 },
      { from: 'gross', to: 'out', port: 0 },
    ],
  };
}

/** Runs the job open on the canvas; returns the rows of the Parquet it downloads, by id. */
async function runAndRead(page: Page, name: string): Promise<Record<string, unknown>[]> {
  const download = page.waitForEvent('download', { timeout: 120_000 });
  await page.getByTestId('run-job').click();
  const d = await download;
  expect(d.suggestedFilename()).toBe('recipe-out.parquet');
  const file = join(mkdtempSync(join(work, 'out-')), `${name}.parquet`);
  await d.saveAs(file);
  return (await nativeRead(`(SELECT * FROM read_parquet(${quoteLiteral(file)}) ORDER BY id)`)).rows;
}

async function openShare(page: Page) {
  const share = page.getByTestId('recipe-share');
  if ((await share.getAttribute('open')) === null) await share.locator('summary').click();
}

const flowNode = (page: Page, id: string) => page.locator(`.svelte-flow__node[data-id="${id}"]`);

describe('Recipes in Chromium', () => {
  let senderRows: Record<string, unknown>[] = [];
  let recipeFile = '';
  let link = '';

  it('exports a job over a crawled table as a recipe file and a link', async () => {
    const { page, url } = sender;
    await crawl(
      page,
      url,
      () => page.getByTestId('crawl-folder-input').setInputFiles(fixturePath('sales')),
      'lake',
    );
    // The job as another tab saves it: in storage, announced on the jobs' channel.
    await saveJobInPage(page, salesJob());
    await page.evaluate(() => new BroadcastChannel('decant-jobs').postMessage({ jobs: true }));
    await page.goto(`${url}/#/jobs`);
    await page.getByRole('link', { name: JOB, exact: true }).click();
    await page.getByTestId('job-canvas').waitFor();

    senderRows = await runAndRead(page, 'sender');
    expect(senderRows.map((r) => r.id)).toEqual(
      (
        await nativeRead(
          `(SELECT id FROM read_csv(${quoteLiteral(`${fixturePath('sales')}/*/*/*.csv`)}) WHERE price > 2 ORDER BY id)`,
        )
      ).rows.map((r) => r.id),
    );
    expect(senderRows.length).toBeGreaterThan(0);
    expect(Object.keys(senderRows[0]!)).toEqual(['id', 'sku', 'price', 'year', 'month', 'gross']);

    await openShare(page);
    const download = page.waitForEvent('download');
    await page.getByTestId('export-recipe').click();
    const d = await download;
    expect(d.suggestedFilename()).toBe(`${JOB}.decant-recipe.json`);
    recipeFile = join(work, d.suggestedFilename());
    await d.saveAs(recipeFile);
    const recipe = JSON.parse(readFileSync(recipeFile, 'utf8'));
    expect(recipe.format).toBe('decant-recipe');
    expect(recipe.version).toBe(1);
    // The job as saved, parameters and all.
    expect(recipe.job).toEqual(salesJob());
    expect(recipe.sources).toEqual([
      {
        id: 'sales',
        read: { kind: 'table', database: 'lake', table: 'sales' },
        columns: [
          { name: 'id', type: 'BIGINT' },
          { name: 'sku', type: 'VARCHAR' },
          { name: 'price', type: 'DOUBLE' },
          { name: 'year', type: expect.stringMatching(/^(BIGINT|VARCHAR)$/) },
          { name: 'month', type: expect.stringMatching(/^(BIGINT|VARCHAR)$/) },
        ],
      },
    ]);

    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    await page.getByTestId('copy-recipe-link').click();
    await expect
      .poll(() => page.getByTestId('recipe-share-message').innerText())
      .toBe('Recipe link copied.');
    link = await page.getByTestId('recipe-link').inputValue();
    expect(link).toMatch(new RegExp(`^${url}/#recipe=[A-Za-z0-9_-]+$`));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  });

  it('opens the link in a fresh browser: bind, save, run → the same rows', async () => {
    expect(link).not.toBe('');
    recipient = await openApp();
    const { page, url } = recipient;
    // A compatible table under another name, and one without `price`.
    await crawl(
      page,
      url,
      () => page.getByTestId('crawl-folder-input').setInputFiles(fixturePath('sales')),
      'mine',
    );
    const thin = join(work, 'thin.csv');
    writeFileSync(thin, 'id,sku\n1,a\n2,b\n');
    await crawl(page, url, () => page.getByTestId('crawl-files-input').setInputFiles(thin), 'mine');

    // A link cut in half says it is damaged, and opens nothing.
    await page.goto(
      link.slice(0, link.indexOf('=') + 1 + Math.floor((link.length - link.indexOf('=')) / 2)),
    );
    await expect
      .poll(() => page.getByTestId('recipe-link-error').innerText())
      .toMatch(/^recipe: this recipe link is damaged/);

    await page.goto(link);
    await page.getByTestId('job-editor').waitFor();
    // The link is replaced by the new job's page; the job is new and unsaved.
    await expect.poll(() => page.url()).toBe(`${url}/#/jobs/${encodeURIComponent(JOB)}`);
    await expect(page.getByTestId('job-dirty').innerText()).resolves.toBe('unsaved');
    const bind = page.getByTestId('recipe-bind');
    await bind.waitFor();
    // The author's SQL is named before anything of it runs.
    expect(await bind.getByTestId('recipe-authored-sql').innerText()).toContain(
      'It holds SQL its author wrote, run as written once the sources are bound: with tax.',
    );
    // Unbound, the source says what to pick, on its node.
    await expect
      .poll(() => flowNode(page, 'sales').innerText())
      .toContain('not bound: pick a table with columns id, sku, price, year, month');
    // Saving waits for the binding.
    await page.getByTestId('save-job').click();
    await expect
      .poll(() => page.getByTestId('editor-message').innerText())
      .toContain("Bind the recipe's sources first (sales)");

    const candidate = (name: string) =>
      bind.getByTestId('bind-candidate').and(page.locator(`[data-candidate="${name}"]`));
    await expect
      .poll(() => candidate('mine.thin').getByTestId('candidate-fit').innerText())
      .toBe('missing: price, year, month');
    expect(await candidate('mine.sales').getByTestId('candidate-fit').innerText()).toBe(
      'all 5 columns match',
    );
    await candidate('mine.sales').getByRole('radio').check();
    await bind.getByTestId('bind-button').click();
    await expect.poll(() => page.getByTestId('recipe-bind').count()).toBe(0);
    await expect.poll(() => flowNode(page, 'sales').innerText()).not.toContain('not bound');

    await page.getByTestId('save-job').click();
    await expect
      .poll(() => page.getByTestId('editor-message').innerText())
      .toBe('Saved version 1.');
    const rows = await runAndRead(page, 'recipient');
    expect(rows).toEqual(senderRows);
  });

  it('imports the recipe file as another new job', async () => {
    const { page, url } = recipient!;
    await page.goto(`${url}/#/jobs`);
    await page.getByTestId('recipe-file-input').setInputFiles(recipeFile);
    // "sales over 2" is taken now: the import gets a name of its own.
    await expect.poll(() => page.url()).toBe(`${url}/#/jobs/${encodeURIComponent(`${JOB} (2)`)}`);
    const bind = page.getByTestId('recipe-bind');
    await bind.waitFor();
    expect(await page.locator('#job-title').innerText()).toContain(`${JOB} (2)`);

    // Bound to a dropped CSV file this time: its columns are compared as a table's are. The
    // crawled months are text (`month=01` folders): numbers are another type, and said so.
    const numeric = join(work, 'numeric-months.csv');
    writeFileSync(numeric, 'id,sku,price,year,month\n1,a,1.5,2024,1\n');
    await bind.getByTestId('bind-file').setInputFiles(numeric);
    const fitOf = (name: string) =>
      bind
        .getByTestId('bind-candidate')
        .and(page.locator(`[data-candidate="file ${name}"]`))
        .getByTestId('candidate-fit');
    await expect
      .poll(() => fitOf('numeric-months.csv').innerText())
      .toBe('another type: month is BIGINT, expected VARCHAR');
    const csv = join(work, 'all-sales.csv');
    writeFileSync(
      csv,
      'id,sku,price,year,month\n1,a,1.5,2024,jan\n2,b,2.5,2024,jan\n3,c,3.5,2024,feb\n4,d,4.5,2025,jan\n',
    );
    await bind.getByTestId('bind-file').setInputFiles(csv);
    await expect.poll(() => fitOf('all-sales.csv').innerText()).toBe('all 5 columns match');
    await bind.getByTestId('bind-button').click();
    await expect.poll(() => page.getByTestId('recipe-bind').count()).toBe(0);
    await page.getByTestId('save-job').click();
    await expect
      .poll(() => page.getByTestId('editor-message').innerText())
      .toBe('Saved version 1.');
    const rows = await runAndRead(page, 'from-file');
    expect(rows.map((r) => [r.id, r.sku])).toEqual([
      ['2', 'b'],
      ['3', 'c'],
      ['4', 'd'],
    ]);

    // A file that is not a recipe says where it is wrong.
    const bad = join(work, 'bad.decant-recipe.json');
    const broken = JSON.parse(readFileSync(recipeFile, 'utf8'));
    broken.job.nodes[1].options.filter = 'price > 2';
    writeFileSync(bad, JSON.stringify(broken));
    await page.goto(`${url}/#/jobs`);
    await page.getByTestId('recipe-file-input').setInputFiles(bad);
    await expect
      .poll(() => page.getByTestId('recipe-import-error').innerText())
      .toContain('job.nodes[1].options.filter: expected an object, found the string "price > 2"');

    // Dropped on the Jobs page, the file opens too.
    const text = readFileSync(recipeFile, 'utf8');
    const dropped = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dropped.decant-recipe.json', { type: 'application/json' }));
      return dt;
    }, text);
    await page.getByTestId('recipe-import').dispatchEvent('drop', { dataTransfer: dropped });
    await expect.poll(() => page.url()).toBe(`${url}/#/jobs/${encodeURIComponent(`${JOB} (3)`)}`);
    await page.getByTestId('recipe-bind').waitFor();
  });
});
