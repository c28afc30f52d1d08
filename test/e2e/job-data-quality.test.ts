import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';
import { fixturePath } from '../support/fixtures';
import { nativeRead } from '../support/native-duckdb';
import { openApp, type AppPage } from './app-page';

/**
 * An Evaluate Data Quality node built in the editor: sales → rules → Filter 'Passed' → `good`,
 * Filter 'Failed' → `bad`, both in the browser's storage. A run routes each row by its outcome
 * (counted independently by native DuckDB over the fixture) and shows the rules' outcomes on the
 * run page; switched to "fail before writing", the next run FAILED and wrote nothing.
 */

let app: AppPage;
let page: Page;
const work = mkdtempSync(join(tmpdir(), 'dq-e2e-'));
const PRICE_RULE = 'ColumnValues "price" > 3';
const RULES = `Rules = [ IsComplete "sku", ${PRICE_RULE} ]`;

beforeAll(async () => {
  app = await openApp();
  page = app.page;
});
afterAll(async () => {
  await app?.browser.close();
});

const panel = () => page.getByTestId('node-panel');
const flowNode = (id: string) => page.locator(`.svelte-flow__node[data-id="${id}"]`);
const palette = (title: string) =>
  page.getByTestId('node-palette').getByRole('button', { name: title, exact: true });

async function settled() {
  await expect.poll(() => page.getByTestId('editor-status').innerText()).not.toMatch(/Checking/);
}

async function selectNode(id: string) {
  await flowNode(id)
    .locator('[data-testid=job-node]')
    .click({ position: { x: 60, y: 12 } });
  await expect.poll(() => panel().locator('code').first().innerText()).toBe(id);
}

/** A Filter on the row-level result after the selected node, then an OPFS target `name`. */
async function routeTo(result: 'Passed' | 'Failed', name: string) {
  await palette('Filter').click();
  await panel().getByRole('button', { name: 'Add a condition' }).click();
  await panel().getByLabel('Column', { exact: true }).fill('DataQualityEvaluationResult');
  await panel().getByLabel('Operator', { exact: true }).selectOption('EQ');
  await panel().getByLabel('Value', { exact: true }).fill(result);
  await palette('Target').click();
  await panel().getByLabel('Write to', { exact: true }).selectOption('opfs');
  await panel().getByLabel('Output name', { exact: true }).fill(name);
  await settled();
}

/** Every file under an OPFS folder, as base64, by relative path ({} when there is none). */
async function readOpfs(root: string): Promise<Record<string, string>> {
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

/** The rows of the Parquet files of an OPFS folder, read by native DuckDB. */
async function parquetRows(root: string) {
  const files = await readOpfs(root);
  const dir = mkdtempSync(join(work, `${root}-`));
  for (const [path, b64] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), Buffer.from(b64, 'base64'));
  }
  if (Object.keys(files).length === 0) return [];
  return (await nativeRead(`read_parquet(${quoteLiteral(`${dir}/**/*.parquet`)})`)).rows;
}

/** Saves, runs from the editor, and opens the run's page once the run ended. */
async function saveAndRun(version: number): Promise<string> {
  await page.getByTestId('save-job').click();
  await expect
    .poll(() => page.getByTestId('editor-message').innerText())
    .toBe(`Saved version ${version}.`);
  await page.getByTestId('run-job').click();
  await expect
    .poll(() => page.getByTestId('run-state').innerText(), { timeout: 120_000 })
    .toMatch(/SUCCEEDED|FAILED|TIMEOUT|STOPPED/);
  const link = page.getByTestId('job-runs-tab').locator('p.live a[href*="/runs/"]');
  const href = (await link.getAttribute('href'))!;
  await page.goto(`${app.url}/${href}`);
  await page.getByTestId('job-run').waitFor();
  return decodeURIComponent(href.split('/runs/')[1]!);
}

describe('Evaluate Data Quality in Chromium', () => {
  it('routes passing and failing rows to two targets; rule outcomes on the run page', async () => {
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('crawl-folder-input').setInputFiles(fixturePath('sales'));
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('lake');
    await page.getByTestId('run-crawl').click();
    await page.getByTestId('crawl-plan').waitFor({ timeout: 60_000 });
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();

    // A ruleset saved on the table, which the node will copy.
    await page.goto(`${app.url}/#/catalog/lake/sales`);
    await page.getByTestId('tab-quality').click();
    await page.getByTestId('dqdl-editor').fill(RULES);
    await page.getByTestId('dq-save').click();
    await expect.poll(() => page.getByTestId('dqdl-editor').inputValue()).toBe(RULES);

    await page.goto(`${app.url}/#/jobs`);
    await page.getByTestId('new-job-name').fill('dq routing');
    await page.getByTestId('create-job').click();
    await page.getByTestId('job-canvas').waitFor();
    await palette('Data Catalog table').click();
    await panel().getByLabel('Database', { exact: true }).selectOption('lake');
    await panel().getByLabel('Table', { exact: true }).selectOption('sales');
    await settled();

    // The node's DQDL editor checks as the user types.
    await palette('Evaluate Data Quality').click();
    const editor = panel().getByTestId('dqdl-editor');
    await editor.fill('Rules = [ IsComplete "sku", ColumnValues "price" >> 3 ]');
    await expect.poll(() => panel().getByTestId('dqdl-error').innerText()).toMatch(/column 51/);
    // Fixed by copying the table's saved ruleset into the node.
    await panel().getByTestId('dq-saved-ruleset').selectOption('lake.sales/default');
    await panel().getByTestId('dq-use-saved').click();
    await expect.poll(() => editor.inputValue()).toBe(RULES);
    await panel().getByTestId('dqdl-ok').waitFor();
    await panel().getByLabel('Add row-level outcome columns').check();
    await panel().getByLabel('When a rule fails', { exact: true }).selectOption('continue');
    await settled();
    await expect
      .poll(() => panel().getByTestId('node-panel-schema').innerText())
      .toContain('DataQualityEvaluationResult');

    await routeTo('Passed', 'good');
    await selectNode('evaluate-data-quality-1');
    await routeTo('Failed', 'bad');
    expect(await page.getByTestId('editor-status').innerText()).toBe('No problems found.');

    await saveAndRun(1);
    const err = page.getByTestId('run-error');
    expect(await err.count(), (await err.count()) ? await err.innerText() : '').toBe(0);
    expect(await page.getByTestId('run-state').innerText()).toBe('SUCCEEDED');

    // The rules' outcomes, with what was measured.
    const quality = page.getByTestId('run-quality');
    const rules = await quality.getByTestId('dq-rule').allInnerTexts();
    expect(rules).toHaveLength(2);
    expect(rules[0]).toMatch(/IsComplete "sku"\s+PASS\s+1/);
    expect(rules[1]).toMatch(/ColumnValues "price" > 3\s+FAIL\s+0\.6\s+2 of 5/);

    // Row counts as native DuckDB finds them in the fixture, independently of the app.
    const want = (
      await nativeRead(
        `(SELECT count(*) FILTER (WHERE price > 3) AS good, count(*) FILTER (WHERE NOT coalesce(price > 3, false)) AS bad FROM read_csv(${quoteLiteral(`${fixturePath('sales')}/**/*.csv`)}))`,
      )
    ).rows[0]!;
    const good = await parquetRows('good');
    const bad = await parquetRows('bad');
    expect(good).toHaveLength(Number(want.good));
    expect(bad).toHaveLength(Number(want.bad));
    expect(bad.every((r) => Number(r.price) <= 3)).toBe(true);
    expect(bad.map((r) => r.DataQualityRulesFail)).toEqual(bad.map(() => [PRICE_RULE]));
    const targetRows = await page.getByTestId('target-rows').allInnerTexts();
    expect(targetRows.map(Number).sort()).toEqual([Number(want.bad), Number(want.good)].sort());
  });

  it('"fail the job before writing": FAILED naming the rule, and no file of that run', async () => {
    const before = { ...(await readOpfs('good')), ...(await readOpfs('bad')) };
    await page.goto(`${app.url}/#/jobs/${encodeURIComponent('dq routing')}`);
    await page.getByTestId('job-canvas').waitFor();
    await selectNode('evaluate-data-quality-1');
    await panel()
      .getByLabel('When a rule fails', { exact: true })
      .selectOption('fail-before-write');
    await settled();
    const runId = await saveAndRun(2);
    expect(await page.getByTestId('run-state').innerText()).toBe('FAILED');
    const message = await page.getByTestId('run-error').innerText();
    expect(message).toContain(`${PRICE_RULE} (FAIL)`);
    expect(message).toContain('nothing was written');
    expect(await page.getByTestId('run-quality').getByTestId('dq-outcome').allInnerTexts()).toEqual(
      ['PASS', 'FAIL'],
    );
    expect(await page.getByTestId('target-rows').count()).toBe(0);
    const after = { ...(await readOpfs('good')), ...(await readOpfs('bad')) };
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(Object.keys(after).some((p) => p.includes(runId))).toBe(false);
  });
});
