// Zip downloads written through a scratch file of the browser's storage (OPFS), never a whole
// Blob in the page: the share zip is still a valid zip (Debian's `unzip -t`) whose Parquet native
// DuckDB reads; no scratch file is left after the download, nor after a cancel; and the start-up
// sweep removes what a closed tab left, but never a live tab's files.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataPackage } from '../../src/share/datapackage';
import { nativeRead, parquetAt } from '../support/native-duckdb';
import { scratchNames } from '../support/page-storage';
import { openApp, type AppPage } from './app-page';

/** Enough rows that encoding them takes a moment (a cancel lands mid-way). */
const ROWS = 300_000;

let app: AppPage;
const dir = mkdtempSync(join(tmpdir(), 'decant-e2e-scratch-'));

beforeAll(async () => {
  app = await openApp();
  const lines = ['id,name,amount'];
  for (let i = 1; i <= ROWS; i++) lines.push(`${i},name ${i % 977},${(i * 7) % 1000}.25`);
  mkdirSync(join(dir, 'orders'));
  writeFileSync(join(dir, 'orders', 'orders.csv'), lines.join('\n') + '\n');
  const { page } = app;
  await page.goto(`${app.url}/#/crawl`);
  await page.getByTestId('crawl-folder-input').setInputFiles(join(dir, 'orders'));
  await page.getByTestId('crawl-found').waitFor({ timeout: 60_000 });
  await page.getByTestId('crawl-database').fill('shop');
  await page.getByTestId('run-crawl').click();
  await page.getByTestId('commit-crawl').click({ timeout: 120_000 });
  await page.getByTestId('crawl-committed').waitFor({ timeout: 120_000 });
}, 300_000);
afterAll(async () => {
  await app?.browser.close();
});

async function openShare(page: Page, title: string) {
  if (await page.getByTestId('share-dialog').isVisible())
    await page.getByRole('button', { name: 'Close' }).click();
  await page.goto(`${app.url}/#/catalog/shop/orders`);
  await page.getByTestId('share-open').click();
  const dialog = page.getByTestId('share-dialog');
  await dialog.waitFor();
  await dialog.getByTestId('share-title').fill(title);
  await dialog.getByTestId('destination-zip').check();
  return dialog;
}

describe('zip downloads through a scratch file', () => {
  it('downloads a valid zip whose Parquet native DuckDB reads; the scratch file goes after', async () => {
    const { page } = app;
    const dialog = await openShare(page, 'Orders');
    const downloading = page.waitForEvent('download', { timeout: 180_000 });
    await dialog.getByTestId('share-start').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('Orders.zip');
    const zipPath = join(dir, 'orders.zip');
    await download.saveAs(zipPath);
    expect(await download.failure()).toBeNull();
    await dialog.getByTestId('share-done').waitFor({ timeout: 60_000 });
    // Said plainly when it had to be assembled in memory instead; Chromium has OPFS.
    expect(await dialog.getByTestId('share-done').innerText()).toBe('Downloaded Orders.zip.');

    // Debian's unzip checks every entry's CRC and size.
    const test = execFileSync('unzip', ['-t', zipPath], { encoding: 'utf8' });
    expect(test).toMatch(/No errors detected/);
    const out = join(dir, 'unzipped');
    execFileSync('unzip', ['-q', '-o', zipPath, '-d', out]);
    const doc = JSON.parse(readFileSync(join(out, 'datapackage.json'), 'utf8')) as DataPackage;
    const file = doc.resources[0]!.files[0]!;
    expect(file.rows).toBe(ROWS);
    const read = await nativeRead(
      `(SELECT count(*) AS n, sum(id) AS s FROM ${parquetAt(join(out, file.path))})`,
    );
    expect(Number(read.rows[0]!.n)).toBe(ROWS);
    expect(Number(read.rows[0]!.s)).toBe((ROWS * (ROWS + 1)) / 2);

    // The share's Parquet went at once; the zip once the download had time to read it.
    await expect.poll(() => scratchNames(page), { timeout: 120_000, interval: 1000 }).toEqual([]);
    await dialog.getByRole('button', { name: 'Close' }).click();
  }, 300_000);

  it('a cancel leaves no scratch file', async () => {
    const { page } = app;
    const dialog = await openShare(page, 'Orders cancelled');
    await dialog.getByTestId('share-start').click();
    // Cancelled once the encoder writes into its scratch file.
    await expect
      .poll(async () => (await scratchNames(page)).length, { timeout: 120_000, interval: 100 })
      .toBeGreaterThan(0);
    await dialog.getByTestId('share-cancel').click();
    await dialog.getByTestId('share-cancelled').waitFor({ timeout: 120_000 });
    await expect.poll(() => scratchNames(page), { timeout: 30_000 }).toEqual([]);
    await dialog.getByRole('button', { name: 'Close' }).click();
  }, 300_000);

  it('the start-up sweep removes a closed tab’s scratch files, never a live tab’s', async () => {
    const { page } = app;
    // A live tab's lock, held by a second page of the origin that runs no app (so no sweep of
    // its own) until it closes.
    const second = await page.context().newPage();
    await second.goto(`${app.url}/favicon.svg`);
    await second.evaluate(async () => {
      await new Promise<void>((granted) => {
        void navigator.locks.request('decant-scratch-owner:11ee11ee11ee', () => {
          granted();
          return new Promise(() => {});
        });
      });
    });
    // A file of a tab that is gone, and one of the live tab.
    await page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      const d = await root.getDirectoryHandle('decant-scratch', { create: true });
      for (const name of [
        '.decant-scratch-0000dead0000-x-left.zip',
        '.decant-scratch-11ee11ee11ee-y-live.zip',
      ]) {
        const w = await (await d.getFileHandle(name, { create: true })).createWritable();
        await w.write('bytes');
        await w.close();
      }
    });
    await page.reload();
    await page
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: 60_000 });
    await expect
      .poll(() => scratchNames(page), { timeout: 30_000 })
      .toEqual(['.decant-scratch-11ee11ee11ee-y-live.zip']);
    // Its tab gone, the next start takes it too.
    await second.close();
    await page.reload();
    await expect.poll(() => scratchNames(page), { timeout: 30_000 }).toEqual([]);
  }, 180_000);
});
