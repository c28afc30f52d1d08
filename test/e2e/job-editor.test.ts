import { execFileSync } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download, Locator, Page } from 'playwright-core';
import { DuckDBInstance } from '@duckdb/node-api';
import { openApp, type AppPage } from './app-page';
import { fixturePath } from '../support/fixtures';
import { quoteLiteral } from '../../src/core/sql/quote';

let app: AppPage;
let page: Page;
const work = mkdtempSync(join(tmpdir(), 'h8-job-editor-'));

beforeAll(async () => {
  app = await openApp();
  page = app.page;
});
afterAll(async () => {
  await app?.browser.close();
});

async function crawl(pick: () => Promise<void>, database: string) {
  await page.goto(`${app.url}/#/crawl`);
  await pick();
  await page.getByTestId('crawl-found').waitFor();
  await page.getByTestId('crawl-database').fill(database);
  await page.getByTestId('run-crawl').click();
  await page.getByTestId('crawl-plan').waitFor({ timeout: 60_000 });
  await page.getByTestId('commit-crawl').click();
  await page.getByTestId('crawl-committed').waitFor();
}

const panel = () => page.getByTestId('node-panel');
const flowNode = (id: string) => page.locator(`.svelte-flow__node[data-id="${id}"]`);
const palette = (title: string) =>
  page.getByTestId('node-palette').getByRole('button', { name: title, exact: true });

/** Waits until the editor has asked the engine about the current job. */
async function settled() {
  await expect.poll(() => page.getByTestId('editor-status').innerText()).not.toMatch(/Checking/);
}

async function selectNode(id: string) {
  // Clicked again while the panel shows another node: a click that lands while the canvas
  // re-renders (a busy machine, after a run) is lost, as a user would simply click again.
  await expect
    .poll(
      async () => {
        const shown = await panel()
          .locator('code')
          .first()
          .innerText({ timeout: 2_000 })
          .catch(() => '');
        if (shown === id) return shown;
        await flowNode(id)
          .locator('[data-testid=job-node]')
          .click({ position: { x: 60, y: 12 } });
        return panel()
          .locator('code')
          .first()
          .innerText({ timeout: 5_000 })
          .catch(() => '');
      },
      { timeout: 60_000 },
    )
    .toBe(id);
}

/** Drags from `from`'s output handle to input `port` of `to`, as a user connects nodes. */
async function connect(from: string, to: string, port: number) {
  // Arrange moves nodes and then fits the view: let the canvas come to rest first.
  await page.waitForTimeout(500);
  const a = await flowNode(from).locator('.svelte-flow__handle.source').boundingBox();
  const b = await flowNode(to)
    .locator(`.svelte-flow__handle[data-handleid="in-${port}"]`)
    .boundingBox();
  if (!a || !b) throw new Error('handle not on screen');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

async function schemaOf(id: string): Promise<string[]> {
  return flowNode(id).getByTestId('node-schema').locator('li').allInnerTexts();
}

function checkbox(scope: Locator, name: string) {
  // Each is labelled by the column's name and type.
  return scope.getByRole('checkbox', { name: new RegExp(`^${name}( |$)`) });
}

describe('Job editor in Chromium', () => {
  it('builds sales + filter + join + aggregate → partitioned Parquet on the canvas', async () => {
    await crawl(
      () => page.getByTestId('crawl-folder-input').setInputFiles(fixturePath('sales')),
      'lake',
    );
    const skus = join(work, 'skus');
    mkdirSync(skus);
    writeFileSync(join(skus, 'skus.csv'), 'sku,category\na,x\nb,x\nc,y\nd,y\ne,x\n');
    await crawl(
      () => page.getByTestId('crawl-files-input').setInputFiles(join(skus, 'skus.csv')),
      'lake',
    );

    await page.goto(`${app.url}/#/jobs`);
    await page.getByTestId('new-job-name').fill('sales by year');
    await page.getByTestId('create-job').click();
    await page.getByTestId('job-canvas').waitFor();

    // Source: the crawled sales table; its columns appear under the node.
    await palette('Data Catalog table').click();
    await panel().getByLabel('Database', { exact: true }).selectOption('lake');
    await panel().getByLabel('Table', { exact: true }).selectOption('sales');
    await settled();
    await expect
      .poll(() => schemaOf('catalog-source-1'))
      .toEqual([
        'id BIGINT',
        'sku VARCHAR',
        'price DOUBLE',
        expect.stringMatching(/^year (BIGINT|VARCHAR)$/),
        expect.stringMatching(/^month (BIGINT|VARCHAR)$/),
      ]);

    // Filter after it (a click adds after the selected node): price > 2.
    await palette('Filter').click();
    await panel().getByRole('button', { name: 'Add a condition' }).click();
    await panel().getByLabel('Column', { exact: true }).fill('price');
    await panel().getByLabel('Operator', { exact: true }).selectOption('GT');
    await panel().getByLabel('Value', { exact: true }).fill('2');

    // A second source, then a Join after the filter, its right input connected by dragging.
    await page.locator('.svelte-flow__pane').click({ position: { x: 5, y: 5 } });
    await palette('Data Catalog table').click();
    await panel().getByLabel('Database', { exact: true }).selectOption('lake');
    await panel().getByLabel('Table', { exact: true }).selectOption('skus');
    await selectNode('filter-1');
    await palette('Join').click();
    await settled();
    await page.getByTestId('arrange').click();
    await connect('catalog-source-2', 'join-1', 1);
    await expect
      .poll(() => panel().getByTestId('node-input-1').inputValue())
      .toBe('catalog-source-2');
    await panel().getByRole('button', { name: 'Add a condition' }).click();
    await panel().getByLabel('Left column', { exact: true }).fill('sku');
    await panel().getByLabel('Right column', { exact: true }).fill('sku');

    // Aggregate by year and category: sum(price) and count(*) AS n.
    await palette('Aggregate').click();
    await settled();
    await checkbox(panel(), 'year').check();
    await checkbox(panel(), 'category').check();
    await panel().getByRole('button', { name: 'Add an aggregation' }).click();
    await panel().getByLabel('Column', { exact: true }).fill('price');
    await panel().getByRole('button', { name: 'Add an aggregation' }).click();
    await panel().getByLabel('Column', { exact: true }).nth(1).fill('*');
    await panel().getByLabel('Function', { exact: true }).nth(1).selectOption('count');
    await panel().getByLabel('Output name', { exact: true }).nth(1).fill('n');
    await settled();
    await expect
      .poll(() => schemaOf('aggregate-1'))
      .toEqual([
        expect.stringMatching(/^year (BIGINT|VARCHAR)$/),
        'category VARCHAR',
        'sum(price) DOUBLE',
        'n BIGINT',
      ]);

    // Target: Parquet (zstd), partitioned by year, downloaded.
    await palette('Target').click();
    await settled();
    await checkbox(panel(), 'year').check();
    await panel().getByLabel('Output name', { exact: true }).fill('by_year');
    await settled();
    expect(await page.getByTestId('editor-status').innerText()).toBe('No problems found.');
    await page.getByTestId('arrange').click();
  });

  it('places an error on the node that causes it, and undo/redo take edits back and forth', async () => {
    await selectNode('filter-1');
    await panel().getByLabel('Column', { exact: true }).fill('pricee');
    await settled();
    await expect
      .poll(() => flowNode('filter-1').getByTestId('node-problems').innerText())
      .toContain('column "pricee" is not in');
    // Nodes after it say nothing of their own.
    expect(await flowNode('aggregate-1').getByTestId('node-problems').count()).toBe(0);

    await page.getByTestId('undo').click();
    await settled();
    await expect.poll(() => flowNode('filter-1').getByTestId('node-problems').count()).toBe(0);
    await expect
      .poll(() => panel().getByLabel('Column', { exact: true }).inputValue())
      .toBe('price');
    await page.getByTestId('redo').click();
    await expect
      .poll(() => panel().getByLabel('Column', { exact: true }).inputValue())
      .toBe('pricee');
    // Ctrl+Z on the canvas (not in a field) undoes too.
    await page.locator('.svelte-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await selectNode('filter-1');
    await expect
      .poll(() => panel().getByLabel('Column', { exact: true }).inputValue())
      .toBe('price');
    await settled();
    expect(await page.getByTestId('editor-status').innerText()).toBe('No problems found.');
  });

  it('previews the first rows of a node, and shows the script', async () => {
    await selectNode('aggregate-1');
    await panel().getByTestId('preview-node').click();
    await page.getByTestId('preview-meta').waitFor();
    expect(await page.getByTestId('preview-meta').innerText()).toMatch(/4 rows in/);
    const grid = page.getByTestId('preview-panel').getByTestId('virtual-grid');
    await expect.poll(() => grid.innerText()).not.toContain('…');
    const rows = (await grid.locator('[data-row]').allInnerTexts()).map((r) =>
      r.split(/\s+/).slice(1).join(' '),
    );
    expect(rows.sort()).toEqual(['2024 x 2.5 1', '2024 y 3.5 1', '2025 x 5.5 1', '2025 y 4.5 1']);

    await page.getByTestId('tab-script').click();
    const script = await page.getByTestId('job-script').inputValue();
    expect(script).toContain('-- Target "Target": parquet → "by_year"');
    expect(script).toMatch(/"filter-1" AS \(\n\s+SELECT \* FROM "catalog-source-1" WHERE/);
    expect(script).toContain('sum("price")');

    // The same job as scripts that run beyond the tab: native DuckDB SQL and AWS Glue PySpark.
    await page.getByTestId('script-kind-duckdb').check();
    await expect.poll(() => page.getByTestId('job-script').inputValue()).toContain('COPY (');
    const duckdb = await page.getByTestId('job-script').inputValue();
    expect(duckdb).toMatch(/SET VARIABLE "location:[^"]+" = /);
    expect(duckdb).toContain('read_csv((getvariable(');
    await page.getByTestId('script-kind-pyspark').check();
    await expect
      .poll(() => page.getByTestId('job-script').inputValue())
      .toContain('glueContext.create_dynamic_frame.from_catalog(');
    expect(await page.getByTestId('job-script').inputValue()).toContain('job.commit()');
    await page.getByTestId('glue-bundle').waitFor();
    // Export for AWS Glue: the API inputs as one JSON file; no trigger is saved for this job, so
    // one ON_DEMAND trigger in a workflow of its own starts it.
    const [bundleFile]: [Download, void] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-glue').click(),
    ]);
    const bundlePath = join(work, bundleFile.suggestedFilename());
    await bundleFile.saveAs(bundlePath);
    const bundle = JSON.parse(readFileSync(bundlePath, 'utf8')) as Record<string, unknown>;
    expect(bundle).toMatchObject({
      CreateJob: { GlueVersion: '5.0', Command: { Name: 'glueetl' } },
      CreateTrigger: [{ Type: 'ON_DEMAND' }],
      CreateClassifier: [],
    });
    // What the script cannot carry over is in the file's notes and shown beside the button.
    expect(bundle.notes).toEqual([expect.stringMatching(/^script: .*not key=value folders/)]);
    expect(await page.getByTestId('glue-bundle-notes').innerText()).toContain(
      'not key=value folders',
    );
    await page.getByTestId('script-kind-tab').check();

    // Edit as SQL: one SQL Query node over the two sources gives the target the same rows.
    await page.getByTestId('edit-as-sql').click();
    await expect.poll(() => page.locator('.svelte-flow__node').count()).toBe(4); // two sources, the SQL Query, the target
    await selectNode('sql-query-1');
    expect(await panel().getByLabel('Query (one SELECT)', { exact: true }).inputValue()).toMatch(
      /^WITH\n\s+"filter-1" AS/,
    );
    await page.getByTestId('tab-preview').click();
    await panel().getByTestId('preview-node').click();
    await expect
      .poll(() => page.getByTestId('preview-meta').innerText())
      .toMatch(/SQL for Target: 4 rows/);
    await page.getByTestId('undo').click();
    await expect.poll(() => page.locator('.svelte-flow__node').count()).toBe(6);
  });

  it('saves, runs to SUCCEEDED, and the download holds the answer (native DuckDB)', async () => {
    await page.getByTestId('save-job').click();
    await expect
      .poll(() => page.getByTestId('editor-message').innerText())
      .toBe('Saved version 1.');
    expect(await page.getByTestId('job-dirty').count()).toBe(0);
    const download = page.waitForEvent('download', { timeout: 120_000 });
    download.catch(() => undefined);
    await page.getByTestId('run-job').click();
    await expect
      .poll(() => page.getByTestId('run-state').innerText(), { timeout: 120_000 })
      .toMatch(/SUCCEEDED|FAILED|TIMEOUT|STOPPED/);
    const err = page.getByTestId('run-error');
    expect(await err.count(), (await err.count()) ? await err.innerText() : '').toBe(0);
    expect(await page.getByTestId('run-state').innerText()).toBe('SUCCEEDED');

    const d = await download;
    expect(d.suggestedFilename()).toBe('by_year.zip');
    const zip = join(work, 'by_year.zip');
    await d.saveAs(zip);
    const out = join(work, 'out');
    execFileSync('unzip', ['-q', zip, '-d', out]);
    const c = await (await DuckDBInstance.create(':memory:')).connect();
    const rows = (
      await c.runAndReadAll(
        `SELECT year::VARCHAR AS year, category, "sum(price)" AS s, n FROM read_parquet(${quoteLiteral(
          join(out, 'by_year', '**', '*.parquet'),
        )}, hive_partitioning = true) ORDER BY ALL`,
      )
    ).getRowObjectsJson();
    c.closeSync();
    expect(rows).toEqual([
      { year: '2024', category: 'x', s: 2.5, n: '1' },
      { year: '2024', category: 'y', s: 3.5, n: '1' },
      { year: '2025', category: 'x', s: 5.5, n: '1' },
      { year: '2025', category: 'y', s: 4.5, n: '1' },
    ]);
  });

  it('lists saved versions and restores an earlier one', async () => {
    await selectNode('target-1');
    await panel().getByLabel('Name', { exact: true }).fill('Yearly target');
    await page.getByLabel('Version note').fill('renamed the target');
    await page.getByTestId('save-job').click();
    await expect
      .poll(() => page.getByTestId('editor-message').innerText())
      .toBe('Saved version 2.');
    await page.getByTestId('tab-versions').click();
    const rows = page.getByTestId('job-versions').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().innerText()).toMatch(/^2 \(current\)\s.*renamed the target/);
    await page.getByRole('button', { name: 'Restore version 1' }).click();
    await expect
      .poll(() => page.getByTestId('editor-message').innerText())
      .toBe('Restored version 1 as version 3.');
    await expect
      .poll(() => flowNode('target-1').getByTestId('job-node').getAttribute('data-name'))
      .toBe('Target');
    expect(await page.getByTestId('job-dirty').count()).toBe(0);
  });

  it('keeps unsaved edits and their undo across a look at another page', async () => {
    await selectNode('filter-1');
    await panel().getByLabel('Name', { exact: true }).fill('Pricey');
    await page.goto(`${app.url}/#/catalog`);
    await page.goto(`${app.url}/#/jobs/${encodeURIComponent('sales by year')}`);
    await expect
      .poll(() => flowNode('filter-1').getByTestId('job-node').getAttribute('data-name'))
      .toBe('Pricey');
    expect(await page.getByTestId('job-dirty').count()).toBe(1);
    await page.getByTestId('undo').click();
    await expect
      .poll(() => flowNode('filter-1').getByTestId('job-node').getAttribute('data-name'))
      .toBe('Filter');
    await expect.poll(() => page.getByTestId('job-dirty').count()).toBe(0);
  });

  it('adds a node dropped from the palette; Enter selects a focused node, Delete removes it', async () => {
    const before = await page.locator('.svelte-flow__node').count();
    // The drag events a browser fires, with one DataTransfer from dragstart to drop.
    const dt = await page.evaluateHandle(() => new DataTransfer());
    const pane = page.locator('.svelte-flow__pane');
    const box = (await pane.boundingBox())!;
    const at = { clientX: box.x + 60, clientY: box.y + 60 };
    await palette('Select Fields').dispatchEvent('dragstart', { dataTransfer: dt });
    await pane.dispatchEvent('dragover', { dataTransfer: dt, ...at });
    await pane.dispatchEvent('drop', { dataTransfer: dt, ...at });
    await expect.poll(() => page.locator('.svelte-flow__node').count()).toBe(before + 1);
    await expect.poll(() => panel().locator('code').first().innerText()).toBe('select-fields-1');
    // Away from the node, then back by keyboard: focus it, Enter selects it, Delete removes it.
    await page.locator('.svelte-flow__pane').click({ position: { x: 5, y: 5 } });
    expect(await page.getByTestId('node-panel').count()).toBe(0);
    await flowNode('select-fields-1').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => panel().locator('code').first().innerText()).toBe('select-fields-1');
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.svelte-flow__node').count()).toBe(before);
    await page.getByTestId('undo').click();
    await expect.poll(() => page.locator('.svelte-flow__node').count()).toBe(before + 1);
    await page.getByTestId('undo').click();
    await expect.poll(() => page.locator('.svelte-flow__node').count()).toBe(before);
  });

  it('reads a chosen CSV in a Dropped file node, with its columns under the node', async () => {
    await page.locator('.svelte-flow__pane').click({ position: { x: 5, y: 5 } });
    await palette('Dropped file').click();
    await panel()
      .getByTestId('node-file')
      .setInputFiles(join(work, 'skus', 'skus.csv'));
    await settled();
    await expect.poll(() => schemaOf('file-source-1')).toEqual(['sku VARCHAR', 'category VARCHAR']);
    expect(await flowNode('file-source-1').getByTestId('job-node').getAttribute('data-name')).toBe(
      'skus.csv',
    );
    await page.getByTestId('undo').click();
    await page.getByTestId('undo').click();
    await expect.poll(() => flowNode('file-source-1').count()).toBe(0);
  });

  it('previews a node over a 1,000,000-row CSV (~90 MB) in about a second', async () => {
    const dir = join(work, 'big');
    mkdirSync(dir);
    const path = join(dir, 'events.csv');
    const out = createWriteStream(path);
    out.write('id,name,score,at,note\n');
    for (let i = 0; i < 1_000_000; i += 10_000) {
      let chunk = '';
      for (let j = i; j < i + 10_000; j++)
        chunk += `${j},name ${j % 977},${(j % 1000) / 7},2024-01-01 00:00:${String(j % 60).padStart(2, '0')},a note about row ${j % 13} of the events table\n`;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise((r) => out.end(r));
    const mb = statSync(path).size / 1e6;
    await crawl(() => page.getByTestId('crawl-files-input').setInputFiles(path), 'big');

    await page.goto(`${app.url}/#/jobs`);
    await page.getByTestId('new-job-name').fill('big preview');
    await page.getByTestId('create-job').click();
    await palette('Data Catalog table').click();
    await panel().getByLabel('Database', { exact: true }).selectOption('big');
    await panel().getByLabel('Table', { exact: true }).selectOption('events');
    await palette('Filter').click();
    await panel().getByRole('button', { name: 'Add a condition' }).click();
    await panel().getByLabel('Column', { exact: true }).fill('score');
    await panel().getByLabel('Operator', { exact: true }).selectOption('GT');
    await panel().getByLabel('Value', { exact: true }).fill('100');
    await settled();
    const times: string[] = [];
    // And one that must read every row: an aggregate has no first 100 rows to stop at.
    await palette('Aggregate').click();
    await settled();
    await checkbox(panel(), 'name').check();
    await panel().getByRole('button', { name: 'Add an aggregation' }).click();
    await panel().getByLabel('Column', { exact: true }).fill('*');
    await panel().getByLabel('Function', { exact: true }).selectOption('count');
    await settled();
    for (const id of ['catalog-source-1', 'filter-1', 'aggregate-1']) {
      await selectNode(id);
      const t0 = Date.now();
      await panel().getByTestId('preview-node').click();
      const grid = page.getByTestId('preview-panel').getByTestId('virtual-grid');
      await grid.waitFor();
      await expect.poll(() => grid.locator('[data-row]').first().innerText()).not.toContain('…');
      const ms = Date.now() - t0;
      const meta = await page.getByTestId('preview-meta').innerText();
      expect(meta).toMatch(/100 rows in/);
      times.push(`${id}: ${ms} ms to rows on screen (${meta})`);
    }
    console.log(`preview on ${mb.toFixed(0)} MB CSV, 1,000,000 rows:\n  ${times.join('\n  ')}`);
  });

  it('made no request outside its origin, and logged no error (a CSP violation would be one)', () => {
    expect(app.foreignRequests).toEqual([]);
    expect(app.consoleErrors).toEqual([]);
  });
});
