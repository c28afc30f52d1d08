import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { card, openApp, settled, type AppPage } from './app-page';
import { quoteLiteral } from '../../src/core/sql/quote';
import { csvAt, nativeRead, parquetAt } from '../support/native-duckdb';
import { fixturePath } from '../support/fixtures';

let app: AppPage;
const tmp = mkdtempSync(join(tmpdir(), 'decant-e2e-formats-'));
const people = join(tmp, 'people.json');
const bad = join(tmp, 'bad.json');
const many = join(tmp, 'many.parquet');

beforeAll(async () => {
  writeFileSync(
    people,
    '[\n  {"id": 1, "name": "Ada", "tags": ["x"]},\n  {"id": 2, "name": "Grace", "tags": []}\n]\n',
  );
  writeFileSync(bad, '[\n  {"id": 1},\n  {"id": 2,, }\n]\n');
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  await c.run(
    `COPY (SELECT r AS id, 'x' || r AS s, DATE '2024-01-01' + (r % 30)::INTEGER AS d ` +
      `FROM range(20000) t(r)) TO ${quoteLiteral(many)} (FORMAT parquet, ROW_GROUP_SIZE 5000)`,
  );
  c.closeSync();
  app = await openApp();
});
afterAll(async () => {
  await app?.browser.close();
});

/** Clicks Convert on a ready card; the path of the file the browser received. */
async function convertAndDownload(fileName: string, outName: string): Promise<string> {
  const { page } = app;
  const download = page.waitForEvent('download', { timeout: 120_000 });
  await card(page, fileName).getByTestId('convert').click();
  const d = await download;
  expect(d.suggestedFilename()).toBe(outName);
  const path = join(tmp, `${Date.now()}-${d.suggestedFilename()}`);
  await d.saveAs(path);
  expect(await settled(page, fileName, ['done'])).toBe('done');
  return path;
}

/** Names of the copies Quick convert keeps in the browser's storage. */
function keptCopies(): Promise<string[]> {
  return app.page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const dir = (await root.getDirectoryHandle('decant-quick-convert', {
      create: true,
    })) as FileSystemDirectoryHandle & { keys(): AsyncIterable<string> };
    const out: string[] = [];
    for await (const k of dir.keys()) out.push(k);
    return out.sort();
  });
}

/** How many entries the catalog's copies folder holds (0 when it does not exist). */
function catalogCopies(): Promise<number> {
  return app.page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    try {
      const dir = (await root.getDirectoryHandle('decant-files')) as FileSystemDirectoryHandle & {
        keys(): AsyncIterable<string>;
      };
      let n = 0;
      for await (const _ of dir.keys()) n++;
      return n;
    } catch {
      return 0;
    }
  });
}

describe('Quick convert: JSON, NDJSON and Parquet, kept across reloads', () => {
  it('shows schema, row count and first rows of each, and names a bad JSON line', async () => {
    const { page } = app;
    await page
      .getByTestId('file-input')
      .setInputFiles([people, fixturePath('orders.ndjson'), many, bad]);
    for (const f of ['people.json', 'orders.ndjson', 'many.parquet'])
      expect(await settled(page, f, ['ready', 'failed'])).toBe('ready');
    expect(await settled(page, 'bad.json', ['ready', 'failed'])).toBe('failed');
    expect(await card(page, 'bad.json').getByTestId('error').innerText()).toMatch(
      /JSON "bad\.json": line 3, column \d+/,
    );

    const p = card(page, 'people.json');
    expect(await p.getByTestId('rows').textContent()).toBe('2');
    expect(await p.getByTestId('format').textContent()).toBe('JSON');
    const heads = await p.locator('[data-testid=preview] th').allInnerTexts();
    expect(heads.map((h) => h.replace(/\s+/g, ' '))).toEqual([
      'id BIGINT',
      'name VARCHAR',
      'tags VARCHAR[]',
    ]);
    expect(await p.locator('[data-testid=preview] tbody').innerText()).toContain('Grace');
    const orders = await nativeRead(`read_json(${quoteLiteral(fixturePath('orders.ndjson'))})`);
    const o = card(page, 'orders.ndjson');
    expect(await o.getByTestId('format').textContent()).toBe('NDJSON');
    expect(await o.getByTestId('rows').textContent()).toBe(String(orders.rows.length));
    expect(await card(page, 'many.parquet').getByTestId('rows').textContent()).toBe('20,000');
  });

  it('converts JSON and NDJSON to Parquet, and Parquet to CSV, that native DuckDB reads', async () => {
    const { page } = app;
    const fromJson = await nativeRead(
      parquetAt(await convertAndDownload('people.json', 'people.parquet')),
    );
    expect(fromJson.columns).toEqual([
      ['id', 'BIGINT'],
      ['name', 'VARCHAR'],
      ['tags', 'VARCHAR[]'],
    ]);
    expect(fromJson.rows.map((r) => r.name)).toEqual(['Ada', 'Grace']);

    const fromNdjson = await nativeRead(
      parquetAt(await convertAndDownload('orders.ndjson', 'orders.parquet')),
    );
    const orders = await nativeRead(`read_json(${quoteLiteral(fixturePath('orders.ndjson'))})`);
    expect(fromNdjson.rows.length).toBe(orders.rows.length);

    await card(page, 'many.parquet').getByTestId('target').selectOption('csv');
    const csv = await nativeRead(csvAt(await convertAndDownload('many.parquet', 'many.csv')));
    expect(csv.rows.length).toBe(20_000);
    expect(csv.rows[42]).toEqual({ id: '42', s: 'x42', d: '2024-01-13' });
  });

  it('after a reload the cards are back and convert; Remove deletes the kept copy', async () => {
    const { page } = app;
    expect((await keptCopies()).length).toBe(4);
    // Apart from the catalog's copies, which the crawler's orphan sweep would remove.
    expect(await catalogCopies()).toBe(0);
    await page.reload();
    for (const f of ['people.json', 'orders.ndjson', 'many.parquet'])
      expect(await settled(page, f, ['ready', 'failed'], 120_000)).toBe('ready');
    expect(await settled(page, 'bad.json', ['ready', 'failed'])).toBe('failed');
    // The last result and the chosen target are remembered.
    expect(await card(page, 'many.parquet').getByTestId('previous').innerText()).toMatch(
      /20,000 rows → .* CSV/,
    );
    expect(await card(page, 'many.parquet').getByTestId('target').inputValue()).toBe('csv');
    const csv = await nativeRead(csvAt(await convertAndDownload('many.parquet', 'many.csv')));
    expect(csv.rows.length).toBe(20_000);
    const again = await nativeRead(
      parquetAt(await convertAndDownload('people.json', 'people.parquet')),
    );
    expect(again.rows.map((r) => r.id)).toEqual(['1', '2']);

    await page.getByRole('button', { name: 'Remove bad.json' }).click();
    await page.getByRole('button', { name: 'Remove orders.ndjson' }).click();
    await expect.poll(() => keptCopies().then((k) => k.length)).toBe(2);
    expect((await keptCopies()).every((k) => /people\.json$|many\.parquet$/.test(k))).toBe(true);
    await page.reload();
    expect(await settled(page, 'people.json', ['ready', 'failed'], 120_000)).toBe('ready');
    expect(await card(page, 'orders.ndjson').count()).toBe(0);
    expect(await card(page, 'bad.json').count()).toBe(0);
    expect(app.consoleErrors).toEqual([]);
    expect(app.foreignRequests).toEqual([]);
  });
});
