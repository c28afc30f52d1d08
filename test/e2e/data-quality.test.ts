import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';
import { fixturePath } from '../support/fixtures';
import { openApp, type AppPage } from './app-page';

let app: AppPage;

beforeAll(async () => {
  app = await openApp();
});
afterAll(async () => {
  await app?.browser.close();
});

/** The same measures, by native DuckDB over the fixture's files. */
async function independent(): Promise<{ rows: number; aboveTwo: number; mean: number }> {
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  const glob = quoteLiteral(`${fixturePath('sales')}/**/*.csv`);
  const row = (
    await c.runAndReadAll(
      `SELECT count(*) AS n, avg((price > 2)::INT) AS above, avg(price) AS mean FROM read_csv(${glob}, hive_partitioning = true)`,
    )
  ).getRowObjectsJson()[0]!;
  c.closeSync();
  return { rows: Number(row.n), aboveTwo: Number(row.above), mean: Number(row.mean) };
}

describe('Data quality in Chromium', () => {
  it('checks a ruleset as it is typed, runs it on a crawled table, and keeps the history', async () => {
    const { page } = app;
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('crawl-folder-input').setInputFiles(fixturePath('sales'));
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('dq');
    await page.getByTestId('run-crawl').click();
    await page.getByTestId('plan-table').waitFor({ timeout: 60_000 });
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();

    await page.goto(`${app.url}/#/catalog/dq/sales`);
    await page.getByTestId('tab-quality').click();
    const editor = page.getByTestId('dqdl-editor');
    await editor.fill(
      'Rules = [\n  RowCount = 5,\n  IsUnqiue "id",\n  ColumnValues "price" > 2,\n  Mean "price" > 3\n]',
    );
    const error = page.getByTestId('dqdl-error');
    await expect
      .poll(() => error.innerText())
      .toMatch(/^Line 3, column 3: unknown rule type "IsUnqiue": did you mean IsUnique\?/);
    // The caret sits under the I of the misspelt rule type.
    expect(await page.getByTestId('dqdl-caret').innerText()).toBe('  IsUnqiue "id",\n  ^');
    expect(await page.getByTestId('dq-run').isDisabled()).toBe(true);

    await editor.fill(
      'Rules = [\n  RowCount = 5,\n  IsUnique "id",\n  ColumnValues "price" > 2,\n  Mean "price" > 3\n]',
    );
    await page.getByTestId('dqdl-ok').waitFor();
    await page.getByTestId('dq-run').click();
    await page.getByTestId('dq-results').waitFor({ timeout: 60_000 });

    const want = await independent();
    const outcomes = await page.getByTestId('dq-outcome').allInnerTexts();
    const values = await page.getByTestId('dq-value').allInnerTexts();
    expect(outcomes).toEqual([
      want.rows === 5 ? 'PASS' : 'FAIL',
      'PASS',
      want.aboveTwo === 1 ? 'PASS' : 'FAIL',
      want.mean > 3 ? 'PASS' : 'FAIL',
    ]);
    expect(Number(values[0])).toBe(want.rows);
    expect(Number(values[2])).toBeCloseTo(want.aboveTwo, 6);
    expect(Number(values[3])).toBeCloseTo(want.mean, 6);
    expect(await page.getByTestId('dq-score').innerText()).toMatch(
      new RegExp(`${outcomes.filter((o) => o === 'PASS').length} of 4`),
    );
    // The failing rule says since when, and shows its failing row.
    const failing = page.getByTestId('dq-rule').nth(2);
    expect(await failing.getByTestId('dq-since').innerText()).toMatch(/^failing since /);
    expect(await failing.innerText()).toMatch(/1 of 5/);

    await page.reload();
    await page
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: 60_000 });
    await page.getByTestId('tab-quality').click();
    await page.getByTestId('dq-history-item').first().waitFor();
    expect(await page.getByTestId('dq-history-item').count()).toBe(1);
    expect(await page.getByTestId('dqdl-editor').inputValue()).toMatch(/IsUnique "id"/);
    expect(await page.getByTestId('dq-outcome').allInnerTexts()).toEqual(outcomes);

    // Recommendations from column statistics: a ruleset the user edits, that parses as it is.
    await page.getByTestId('dq-recommend').click();
    await page.getByTestId('dq-note').filter({ hasText: 'Recommended rules' }).waitFor();
    expect(await page.getByTestId('dqdl-editor').inputValue()).toMatch(
      /Rules = \[\n {2}RowCount between 2 and 8,\n {2}IsComplete "id",/,
    );
    await page.getByTestId('dqdl-ok').waitFor();
    expect(app.consoleErrors).toEqual([]);
  });

  it('finds the sensitive columns of a crawled table', async () => {
    const { page } = app;
    const root = mkdtempSync(join(tmpdir(), 'decant-pii-e2e-'));
    mkdirSync(join(root, 'people'));
    const lines = ['id,contact,card,city'];
    for (let i = 0; i < 50; i++)
      lines.push(`${i},user${i}@example.com,${i % 2 ? '4111 1111 1111 1111' : 'none'},Paris`);
    writeFileSync(join(root, 'people', 'people.csv'), lines.join('\n') + '\n');
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('crawl-folder-input').setInputFiles(join(root, 'people'));
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('pii');
    await page.getByTestId('run-crawl').click();
    await page.getByTestId('plan-table').waitFor({ timeout: 60_000 });
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();

    await page.goto(`${app.url}/#/catalog/pii/people`);
    await page.getByTestId('tab-quality').click();
    await page.getByTestId('pii-threshold').fill('40');
    await page.getByTestId('pii-detect').click();
    await page.getByTestId('pii-findings').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('pii-column').allInnerTexts()).toEqual([
      'contact\tEmail (100%)',
      'card\tCredit card (50%)',
    ]);
    await page.getByTestId('pii-threshold').fill('60');
    await page.getByTestId('pii-detect').click();
    await expect
      .poll(() => page.getByTestId('pii-column').allInnerTexts())
      .toEqual(['contact\tEmail (100%)']);
    expect(app.consoleErrors).toEqual([]);
  });
});
