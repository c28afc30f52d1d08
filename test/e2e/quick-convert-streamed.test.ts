// Quick convert into the browser's storage (OPFS): the encoder writes the Parquet file as it
// encodes it, under a temporary name moved into place once whole; a cancel mid-write leaves
// nothing. The file is read back out of OPFS and checked by native DuckDB. A download is written
// the same way, into a scratch file the download reads, never gathered in the tab's memory.
import { copyFileSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';
import { scratchNames } from '../support/page-storage';
import { card, openApp, settled, type AppPage } from './app-page';

let app: AppPage;
const tmp = mkdtempSync(join(tmpdir(), 'decant-e2e-streamed-'));
const small = join(tmp, 'events.csv');
const large = join(tmp, 'large.csv');
const SMALL_ROWS = 300_000;

/** A CSV of `rows` rows: an id, a label and an amount (sums known in closed form). */
async function writeCsv(path: string, rows: number): Promise<void> {
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  await c.run(
    `COPY (SELECT r AS id, 'item-' || (r % 977) AS label, (r % 1000) / 10 AS amount ` +
      `FROM range(${rows}) t(r)) TO ${quoteLiteral(path)} (HEADER)`,
  );
  c.closeSync();
}

beforeAll(async () => {
  await writeCsv(small, SMALL_ROWS);
  await writeCsv(large, 4_000_000);
  app = await openApp();
});
afterAll(async () => {
  await app?.browser.close();
});

/** Names (with sizes) in the browser storage's `converted/` folder; [] when it is not there. */
function convertedFolder(): Promise<{ name: string; size: number }[]> {
  return app.page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    let dir: FileSystemDirectoryHandle;
    try {
      dir = await root.getDirectoryHandle('converted');
    } catch {
      return [];
    }
    const out: { name: string; size: number }[] = [];
    const listable = dir as FileSystemDirectoryHandle & {
      entries(): AsyncIterable<[string, FileSystemFileHandle]>;
    };
    for await (const [name, h] of listable.entries())
      out.push({ name, size: h.kind === 'file' ? (await h.getFile()).size : -1 });
    return out.sort((a, b) => a.name.localeCompare(b.name));
  });
}

/** A file of `converted/` copied out of the page to disk, for native DuckDB. */
async function copyOut(name: string): Promise<string> {
  const b64 = await app.page.evaluate(async (name) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('converted');
    const bytes = new Uint8Array(
      await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer(),
    );
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
      s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, name);
  const path = join(tmp, `out-${name}`);
  writeFileSync(path, Buffer.from(b64, 'base64'));
  return path;
}

describe('Quick convert into the browser storage', () => {
  it('writes the Parquet into converted/ as it encodes, in 122,880-row groups, no temp file left', async () => {
    const { page } = app;
    await page.getByTestId('file-input').setInputFiles([small]);
    expect(await settled(page, 'events.csv', ['ready', 'failed'])).toBe('ready');
    await page.getByTestId('destination').selectOption('opfs');
    await expect(page.getByTestId('streamed-note').isVisible()).resolves.toBe(true);
    await card(page, 'events.csv').getByTestId('convert').click();
    expect(await settled(page, 'events.csv', ['done', 'failed'], 120_000)).toBe('done');
    expect(await card(page, 'events.csv').getByTestId('saved-to').innerText()).toBe(
      'Saved to opfs:converted/events.parquet',
    );
    expect(await card(page, 'events.csv').getByTestId('done').innerText()).toMatch(
      /300,000 rows .* 3 row groups/,
    );
    const files = await convertedFolder();
    expect(files.map((f) => f.name)).toEqual(['events.parquet']);

    const path = await copyOut('events.parquet');
    const c = await (await DuckDBInstance.create(':memory:')).connect();
    const [row] = (
      await c.runAndReadAll(
        `SELECT count(*)::BIGINT AS n, sum(id)::BIGINT AS ids, ` +
          `count(DISTINCT label)::BIGINT AS labels, sum(amount * 10)::BIGINT AS amounts ` +
          `FROM read_parquet(${quoteLiteral(path)})`,
      )
    ).getRowObjectsJson();
    let amounts = 0;
    for (let r = 0; r < SMALL_ROWS; r++) amounts += r % 1000;
    expect(row).toEqual({
      n: String(SMALL_ROWS),
      ids: String((SMALL_ROWS * (SMALL_ROWS - 1)) / 2),
      labels: '977',
      amounts: String(amounts),
    });
    const [groups] = (
      await c.runAndReadAll(
        `SELECT count(DISTINCT row_group_id)::BIGINT AS g, max(row_group_num_rows)::BIGINT AS most ` +
          `FROM parquet_metadata(${quoteLiteral(path)})`,
      )
    ).getRowObjectsJson();
    expect(groups).toEqual({ g: '3', most: '122880' });
    c.closeSync();
  });

  it('a cancel while the file is being written leaves no file and no temporary file', async () => {
    const { page } = app;
    await page.getByTestId('file-input').setInputFiles([large]);
    expect(await settled(page, 'large.csv', ['ready', 'failed'], 120_000)).toBe('ready');
    await page.getByTestId('destination').selectOption('opfs');
    await card(page, 'large.csv').getByTestId('convert').click();
    // Wait until the temporary file holds row groups: the cancel lands mid-write.
    await expect
      .poll(
        async () =>
          (await convertedFolder()).some((f) => f.name !== 'events.parquet' && f.size > 0),
        { timeout: 120_000, interval: 100 },
      )
      .toBe(true);
    await card(page, 'large.csv').getByTestId('cancel').click();
    expect(await settled(page, 'large.csv', ['cancelled', 'done', 'failed'], 60_000)).toBe(
      'cancelled',
    );
    await expect
      .poll(async () => (await convertedFolder()).map((f) => f.name), { timeout: 10_000 })
      .toEqual(['events.parquet']);
  });
});

describe('Quick convert to a download', () => {
  it('writes the Parquet into a scratch file as it encodes, downloads it, removes it with the card', async () => {
    const { page } = app;
    const csv = join(tmp, 'fetched.csv');
    copyFileSync(small, csv);
    await page.getByTestId('file-input').setInputFiles([csv]);
    expect(await settled(page, 'fetched.csv', ['ready', 'failed'], 120_000)).toBe('ready');
    await page.getByTestId('destination').selectOption('download');
    const download = page.waitForEvent('download', { timeout: 120_000 });
    await card(page, 'fetched.csv').getByTestId('convert').click();
    const saved = join(tmp, 'fetched.parquet');
    await (await download).saveAs(saved);
    expect(await settled(page, 'fetched.csv', ['done', 'failed'])).toBe('done');

    // The output is on disk (a scratch file of the browser's storage) and is what was downloaded.
    const scratch = (await scratchNames(page)).filter((n) => n.endsWith('fetched.parquet'));
    expect(scratch).toHaveLength(1);
    const scratchSize = await page.evaluate(async (name) => {
      const root = await navigator.storage.getDirectory();
      const dir = await root.getDirectoryHandle('decant-scratch');
      return (await (await dir.getFileHandle(name)).getFile()).size;
    }, scratch[0]!);
    expect(scratchSize).toBe(statSync(saved).size);
    const c = await (await DuckDBInstance.create(':memory:')).connect();
    const [row] = (
      await c.runAndReadAll(
        `SELECT count(*)::BIGINT AS n, sum(id)::BIGINT AS ids FROM read_parquet(${quoteLiteral(saved)})`,
      )
    ).getRowObjectsJson();
    c.closeSync();
    expect(row).toEqual({
      n: String(SMALL_ROWS),
      ids: String((SMALL_ROWS * (SMALL_ROWS - 1)) / 2),
    });

    // Removing the card removes the file, once a download just started would be over (~31 s).
    await page.getByRole('button', { name: 'Remove fetched.csv' }).click();
    await expect
      .poll(async () => (await scratchNames(page)).filter((n) => n.endsWith('fetched.parquet')), {
        timeout: 90_000,
        interval: 1_000,
      })
      .toEqual([]);
  });
});
