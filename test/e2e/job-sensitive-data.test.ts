import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';
import { nativeRead } from '../support/native-duckdb';
import { openApp, type AppPage } from './app-page';

/**
 * Detect Sensitive Data in the job editor, in Chromium: after a crawled table of emails, cards
 * and SSNs, email is hashed and card partly redacted; the downloaded Parquet, read by native
 * DuckDB, holds no plain email or card number, and two runs with the same salt give the same
 * tokens.
 */

let app: AppPage;
let page: Page;
const work = mkdtempSync(join(tmpdir(), 'piimask-e2e-'));
const SALT = 'e2e-salt-7';

// Sentinels: values that must appear in no cell of the output.
const PEOPLE = [
  { id: 1, email: 'sentinel.ann@example.com', card: '4111 1111 1111 1111', ssn: '078-05-1120' },
  { id: 2, email: 'sentinel.bo@corp-x.io', card: '5500-0000-0000-0004', ssn: '219-09-9999' },
  { id: 3, email: 'sentinel.cy@uni.edu', card: '378282246310005', ssn: '123-45-6789' },
];

beforeAll(async () => {
  app = await openApp();
  page = app.page;
});
afterAll(async () => {
  await app?.browser.close();
});

const panel = () => page.getByTestId('node-panel');
const palette = (title: string) =>
  page.getByTestId('node-palette').getByRole('button', { name: title, exact: true });

async function settled() {
  await expect
    .poll(() => page.getByTestId('editor-status').innerText(), { timeout: 60_000 })
    .not.toMatch(/Checking/);
}

/** Runs the job; returns the output rows as native DuckDB reads the downloaded Parquet. */
async function runAndRead(tag: string): Promise<Record<string, unknown>[]> {
  const download = page.waitForEvent('download', { timeout: 120_000 });
  download.catch(() => undefined);
  await page.getByTestId('run-job').click();
  await expect
    .poll(() => page.getByTestId('run-state').innerText(), { timeout: 120_000 })
    .toMatch(/SUCCEEDED|FAILED|TIMEOUT|STOPPED/);
  const err = page.getByTestId('run-error');
  expect(await err.count(), (await err.count()) ? await err.innerText() : '').toBe(0);
  const d = await download;
  const dir = join(work, tag);
  mkdirSync(dir);
  const file = join(dir, d.suggestedFilename());
  await d.saveAs(file);
  if (file.endsWith('.zip')) execFileSync('unzip', ['-q', file, '-d', dir]);
  const { rows } = await nativeRead(
    `(SELECT * FROM read_parquet(${quoteLiteral(join(dir, '**', '*.parquet'))}) ORDER BY id)`,
  );
  return rows;
}

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('Detect Sensitive Data in a job, in Chromium', () => {
  it('hashes emails and partly redacts cards; no plain value reaches the output', async () => {
    const folder = join(work, 'people');
    mkdirSync(folder);
    writeFileSync(
      join(folder, 'people.csv'),
      'id,full_name,email,card,ssn\n' +
        PEOPLE.map((p) => `${p.id},Person ${p.id},${p.email},${p.card},${p.ssn}`).join('\n') +
        '\n',
    );
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('crawl-files-input').setInputFiles(join(folder, 'people.csv'));
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('pii');
    await page.getByTestId('run-crawl').click();
    await page.getByTestId('crawl-plan').waitFor({ timeout: 60_000 });
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();

    await page.goto(`${app.url}/#/jobs`);
    await page.getByTestId('new-job-name').fill('mask people');
    await page.getByTestId('create-job').click();
    await page.getByTestId('job-canvas').waitFor();
    await palette('Data Catalog table').click();
    await panel().getByLabel('Database', { exact: true }).selectOption('pii');
    await panel().getByLabel('Table', { exact: true }).selectOption('people');
    await settled();

    await palette('Detect Sensitive Data').click();
    await settled();
    await panel().getByLabel('Salt for hashes (kept with the job)', { exact: true }).fill(SALT);
    await panel().getByRole('button', { name: 'Add an action' }).click();
    await panel().getByRole('button', { name: 'Add an action' }).click();
    const column = panel().getByLabel('Column (empty: every one checked)', { exact: true });
    const action = panel().getByLabel('Action', { exact: true });
    await column.nth(0).fill('email');
    await action.nth(0).selectOption('hash');
    await column.nth(1).fill('card');
    await action.nth(1).selectOption('partial');
    await settled();

    await palette('Target').click();
    await panel().getByLabel('Output name', { exact: true }).fill('masked');
    await settled();
    expect(await page.getByTestId('editor-status').innerText()).toBe('No problems found.');
    await page.getByTestId('save-job').click();
    await expect
      .poll(() => page.getByTestId('editor-message').innerText())
      .toBe('Saved version 1.');

    const first = await runAndRead('run-1');
    const keep4 = (s: string) => '*'.repeat(s.length - 4) + s.slice(-4);
    expect(first.map((r) => [r.email, r.card])).toEqual(
      PEOPLE.map((p) => [sha(SALT + p.email), keep4(p.card)]),
    );
    // Sentinel check: no cell holds a plain email or card number (or a run of its digits).
    const cells = first.flatMap((r) => Object.values(r).map(String));
    for (const p of PEOPLE) {
      expect(cells.some((c) => c.includes(p.email) || c.includes('sentinel'))).toBe(false);
      expect(cells.some((c) => c.replace(/\D/g, '').includes(p.card.replace(/\D/g, '')))).toBe(
        false,
      );
    }
    // Columns with no action pass through.
    expect(first.map((r) => r.ssn)).toEqual(PEOPLE.map((p) => p.ssn));

    // The same salt, kept with the job: the same tokens on the next run.
    const second = await runAndRead('run-2');
    expect(second.map((r) => r.email)).toEqual(first.map((r) => r.email));
  });

  it('the table page points at a bad pattern of an own entity type; fixed and saved, it is found', async () => {
    await page.goto(`${app.url}/#/catalog/pii/people`);
    await page.getByTestId('tab-quality').click();
    const custom = page.getByTestId('pii-custom');
    await custom.locator('summary').click();
    await custom.getByTestId('pii-add-entity').click();
    await custom.getByTestId('pii-entity-name').fill('PERSON_TAG');
    await custom.getByTestId('pii-entity-pattern').fill('^Person ([0-9]+$');
    await expect
      .poll(() => custom.getByTestId('pii-pattern-problem').innerText())
      .toMatch(/^not a regular expression: .*Unterminated group/);
    expect(await custom.getByTestId('pii-entity-pattern').getAttribute('aria-invalid')).toBe(
      'true',
    );
    expect(await custom.getByTestId('pii-save-entities').isDisabled()).toBe(true);
    await custom.getByTestId('pii-entity-pattern').fill('^Person [0-9]+$');
    await custom.getByTestId('pii-entity-words').fill('name');
    expect(await custom.getByTestId('pii-pattern-problem').count()).toBe(0);
    await custom.getByTestId('pii-save-entities').click();
    await custom.getByText('Saved.').waitFor();
    await page.getByTestId('pii-detect').click();
    await page.getByTestId('pii-findings').waitFor({ timeout: 60_000 });
    const found = await page.getByTestId('pii-column').allInnerTexts();
    expect(found).toContain('full_name\tPERSON_TAG (100%)');
    expect(found).toContain('email\tEmail (100%)');
    // In every cell: counts, not shares.
    await page.getByTestId('pii-by').selectOption('cell');
    await page.getByTestId('pii-detect').click();
    await expect
      .poll(() => page.getByTestId('pii-column').allInnerTexts(), { timeout: 60_000 })
      .toContain('card\tCredit card (3 cells)');
    const cells = await page.getByTestId('pii-column').allInnerTexts();
    expect(cells).toContain('ssn\tUS SSN (3 cells)');
    expect(cells).toContain('full_name\tPERSON_TAG (3 cells)');
  });

  it('the Share dialog detects sensitive columns, pre-selects hash/redact, and the package says what was done', async () => {
    await page.goto(`${app.url}/#/catalog/pii/people`);
    await page.getByTestId('share-open').click();
    const dialog = page.getByTestId('share-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('share-title').fill('People masked');
    await dialog.getByTestId('share-detect').click();
    await dialog.getByTestId('share-detect-outcome').waitFor({ timeout: 60_000 });
    const treatment = (c: string) => dialog.getByTestId(`treatment-${c}`).inputValue();
    expect(await treatment('id')).toBe('kept');
    expect(await treatment('email')).toBe('hashed');
    expect(await treatment('full_name')).toBe('hashed'); // the own entity type, by its context
    expect(await treatment('card')).toBe('redacted');
    expect(await treatment('ssn')).toBe('redacted');
    expect(await dialog.getByTestId('found-card').innerText()).toBe('CREDIT_CARD');
    await dialog.getByTestId('treatment-card').selectOption('partial');
    await expect
      .poll(() => dialog.getByTestId('share-withheld').innerText())
      .toMatch(/"card" is partly redacted/);
    await dialog.getByTestId('destination-zip').check();
    const downloading = page.waitForEvent('download', { timeout: 120_000 });
    await dialog.getByTestId('share-start').click();
    const zip = join(work, 'share.zip');
    await (await downloading).saveAs(zip);
    const out = join(work, 'share');
    execFileSync('unzip', ['-q', '-o', zip, '-d', out]);
    const doc = JSON.parse(readFileSync(join(out, 'datapackage.json'), 'utf8')) as {
      resources: { withheld?: string[]; files: { path: string }[] }[];
    };
    const withheld = doc.resources[0]!.withheld!.join(' ');
    expect(withheld).toMatch(/"full_name", "email" are hashed/);
    expect(withheld).toMatch(/"card" is partly redacted/);
    expect(withheld).toMatch(/"ssn" is redacted/);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toMatch(/partly redacted \(last 4/);
    const { rows } = await nativeRead(
      `(SELECT * FROM read_parquet(${quoteLiteral(join(out, doc.resources[0]!.files[0]!.path))}) ORDER BY id)`,
    );
    const keep4 = (s: string) => '*'.repeat(s.length - 4) + s.slice(-4);
    expect(rows.map((r) => r.card)).toEqual(PEOPLE.map((p) => keep4(p.card)));
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(String(r.email)) && r.ssn === null)).toBe(true);
    expect(readFileSync(zip).toString('latin1')).not.toContain('sentinel');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('made no request outside its origin, and logged no error', () => {
    expect(app.foreignRequests).toEqual([]);
    expect(app.consoleErrors).toEqual([]);
  });
});
