import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogExport, type CatalogTable } from '../../src/catalog';
import { corsRuleXml } from '../../src/core/remote';
import { quoteLiteral } from '../../src/core/sql/quote';
import { packageEntries, packageZip, type PackageInput } from '../../src/share/package-files';
import { linkFragment, presignPackage } from '../../src/share/share-link';
import { compileShare, type ShareSource } from '../../src/share/share-rules';
import { startS3Stack, type S3Stack } from '../support/s3-stack';
import { ACCESS_KEY_ID, presign, putObject, REGION, SECRET_ACCESS_KEY } from '../support/s3-server';
import { cellsOf, openApp, queryRows, type AppPage } from './app-page';

const ORDERS: ShareSource = {
  database: 'shop',
  name: 'orders',
  columns: [
    { name: 'id', type: 'BIGINT', comment: 'order number' },
    { name: 'amount', type: 'DOUBLE', comment: '' },
  ],
  partitionKeys: [{ name: 'region', type: 'VARCHAR', comment: '' }],
};
const TABLE: CatalogTable = {
  ...ORDERS,
  columns: [...ORDERS.columns],
  partitionKeys: [...ORDERS.partitionKeys],
  description: 'Orders by region',
  classification: 'parquet',
  sources: [],
  parameters: {},
  updatedBy: { kind: 'user' },
  version: 1,
  createdAt: 0,
  updatedAt: 0,
};
const REGIONS = ['north', 'south'];
/** What the recipient's query must give: region, rows, sum of amounts (native DuckDB's). */
const expected: string[] = [];
const SQL =
  'SELECT region, count(*) AS n, sum(amount) AS total FROM shop_orders.orders GROUP BY region ORDER BY region';

let app: AppPage;
let stack: S3Stack;
let dir: string;
let zipPath: string;
let tamperedPath: string;
let firstPart = '';
/** DuckDB's type of the files' `amount` (a DECIMAL), for the Glue definition to match. */
let amountType = '';
let otherPath = '';
const parts: { values: string[]; rows: number; bytes: Uint8Array }[] = [];

function input(): PackageInput {
  return {
    title: 'Shop orders',
    created: new Date('2026-12-02T10:00:00Z'),
    tables: [
      {
        table: TABLE,
        share: compileShare(ORDERS, {}),
        parts: parts.map((p) => ({
          values: p.values,
          rows: p.rows,
          data: new Blob([p.bytes as Uint8Array<ArrayBuffer>]),
        })),
      },
    ],
  };
}

beforeAll(async () => {
  app = await openApp();
  dir = mkdtempSync(join(tmpdir(), 'decant-e2e-share-open-'));
  // The Parquet files, one per region, written by native DuckDB (partition column left out).
  const native = await (await DuckDBInstance.create(':memory:')).connect();
  for (const [i, region] of REGIONS.entries()) {
    const file = join(dir, `${region}.parquet`);
    const n = 3000 + i * 1000;
    await native.run(
      `COPY (SELECT i + ${i * 10000} AS id, round(i * 1.25, 2) AS amount FROM range(${n}) t(i)) TO ${quoteLiteral(file)} (FORMAT parquet)`,
    );
    parts.push({ values: [region], rows: n, bytes: readFileSync(file) });
    const sum = await native.runAndReadAll(
      `SELECT sum(amount)::VARCHAR FROM read_parquet(${quoteLiteral(file)})`,
    );
    expected.push(`${region} ${n} ${String(sum.getRows()[0]![0])}`);
  }
  const described = await native.runAndReadAll(
    `SELECT column_type FROM (DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(join(dir, 'north.parquet'))})) WHERE column_name = 'amount'`,
  );
  amountType = String(described.getRows()[0]![0]);
  // A file that does not fit the definition: `id` as text, no `amount`.
  otherPath = join(dir, 'other.parquet');
  await native.run(
    `COPY (SELECT 'x' || i AS id FROM range(5) t(i)) TO ${quoteLiteral(otherPath)} (FORMAT parquet)`,
  );
  native.closeSync();
  const { zip, manifest } = packageZip(input());
  const bytes = new Uint8Array(await new Response(zip).arrayBuffer());
  firstPart = (await manifest).resources[0]!.files[0]!.path;
  zipPath = join(dir, 'shop-orders.zip');
  writeFileSync(zipPath, bytes);
  // The same zip with one byte of the first Parquet file changed (its footer's magic kept).
  const tampered = Uint8Array.from(bytes);
  const at = indexOf(tampered, parts[0]!.bytes);
  tampered[at + 200]! ^= 0xff;
  tamperedPath = join(dir, 'tampered.zip');
  writeFileSync(tamperedPath, tampered);

  const origin = new URL(app.url).origin;
  // `bare` has no CORS rule: the page may not read it.
  stack = await startS3Stack([{ name: 'lake', cors: corsRuleXml(origin) }, { name: 'bare' }]);
  const { entries } = packageEntries(input());
  for await (const e of entries) {
    const chunks: Uint8Array[] = [];
    if (e.data instanceof Uint8Array) chunks.push(e.data);
    else for await (const c of e.data) chunks.push(c);
    await putObject(stack.server, 'lake', `shares/orders/${e.path}`, Buffer.concat(chunks));
    if (e.path === 'datapackage.json')
      await putObject(
        stack.server,
        'bare',
        'shares/orders/datapackage.json',
        Buffer.concat(chunks),
      );
  }
}, 240_000);
afterAll(async () => {
  await app?.browser.close();
  await stack?.close();
}, 60_000);

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < 64; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('test: part not found in the zip');
}

async function link(expiresIn: number, now?: Date): Promise<string> {
  const paths = [
    'datapackage.json',
    'README.md',
    ...parts.map((p, i) => `data/shop.orders/region=${p.values[0]}/part-0000${i}.parquet`),
  ];
  const l = await presignPackage(
    { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
    { bucket: 'lake', region: REGION, endpoint: stack.proxy },
    'shares/orders',
    paths,
    expiresIn,
    now,
  );
  return linkFragment(l);
}

describe('Opening a shared data package in Chromium', () => {
  it('a picked zip: README, schema and preview, then Add to catalog; the rows survive a reload', async () => {
    const { page, url } = app;
    await page.goto(`${url}/#/catalog`);
    await page.getByTestId('package-zip-input').setInputFiles(zipPath);
    await page.getByTestId('package-title').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('package-title').innerText()).toBe('Shop orders');
    expect(await page.getByTestId('package-readme').innerText()).toMatch(/^# Shop orders/);
    const preview = page.getByTestId('package-preview');
    await preview.waitFor({ timeout: 60_000 });
    const header = await preview.locator('thead th').allInnerTexts();
    expect(header).toEqual(['id', 'amount', 'region']);
    expect(await preview.locator('tbody tr').first().innerText()).toMatch(/^0\s+0\.00\s+north$/);

    expect(await page.getByTestId('package-database').inputValue()).toBe('shop_orders');
    await page.getByTestId('add-package').click();
    await page
      .locator('[data-testid=package-added], [data-testid=package-problem]')
      .first()
      .waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('package-problem').count()).toBe(0);
    expect(cellsOf(await queryRows(page, url, SQL))).toEqual(expected);

    await page.reload();
    await page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor();
    expect(cellsOf(await queryRows(page, url, SQL))).toEqual(expected);
    // The copies are the table's, in the storage panel.
    await page.goto(`${url}/#/catalog`);
    await page.getByTestId('kept-copies').click();
    await expect
      .poll(() => page.getByTestId('kept-copy-owner').allInnerTexts())
      .toContainEqual(expect.stringContaining('table shop_orders.orders'));
  }, 300_000);

  it('a changed file: its name in the error, and nothing added', async () => {
    const { page, url } = app;
    await page.goto(`${url}/#/catalog`);
    const before = await page.getByTestId('table-link').count();
    await page.getByTestId('package-zip-input').setInputFiles(tamperedPath);
    await page.getByTestId('package-title').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('package-database').inputValue()).toBe('shop_orders_2');
    await page.getByTestId('add-package').click();
    const problem = page.getByTestId('package-problem');
    await problem.waitFor({ timeout: 120_000 });
    expect(await problem.innerText()).toContain(
      `share: "${firstPart}" does not match datapackage.json`,
    );
    await page.goto(`${url}/#/catalog`);
    expect(await page.getByTestId('table-link').count()).toBe(before);
    expect(await page.getByRole('link', { name: 'shop_orders_2' }).count()).toBe(0);
  }, 300_000);

  it('a share link in a second, fresh browser: the package opens by presigned URLs, same rows', async () => {
    const fragment = await link(3600);
    const other = await openApp();
    try {
      const { page, url } = other;
      await page.goto(`${url}/${fragment}`);
      await page.reload();
      await page.getByTestId('package-title').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('package-expiry').innerText()).toMatch(
        /^This link expires on \d{4}-\d\d-\d\d \d\d:\d\d UTC\./,
      );
      await page.getByTestId('package-preview').waitFor({ timeout: 60_000 });
      await page.getByTestId('add-package').click();
      await page
        .locator('[data-testid=package-added], [data-testid=package-problem]')
        .first()
        .waitFor({ timeout: 120_000 });
      expect(await page.getByTestId('package-problem').count()).toBe(0);
      expect(cellsOf(await queryRows(page, url, SQL))).toEqual(expected);
    } finally {
      await other.browser.close();
    }
  }, 300_000);

  it('an expired link says so, with its date, and what to do', async () => {
    const fragment = await link(60, new Date('2026-01-05T09:00:00Z'));
    const { page, url } = app;
    await page.goto(`${url}/#/catalog`);
    await page.goto(`${url}/${fragment}`);
    const problem = page.getByTestId('package-problem');
    await problem.waitFor({ timeout: 60_000 });
    expect(await problem.innerText()).toBe(
      'share: this link expired on 2026-01-05 09:01 UTC; ask the sender for a new one',
    );
  }, 120_000);

  it('Glue JSON without data: the plain warning, then Bind to files… checks columns and binds', async () => {
    const { page, url } = app;
    const definition: CatalogTable = {
      ...TABLE,
      database: 'imported',
      name: 'orders',
      partitionKeys: [],
      columns: [
        { name: 'id', type: 'BIGINT', comment: '' },
        { name: 'amount', type: amountType, comment: '' },
      ],
      parameters: { recordCount: 3000 },
    };
    const doc = catalogExport(
      [{ name: 'imported', description: '', createdAt: 0, updatedAt: 0 }],
      [definition, { ...definition, name: 'orders_copy' }],
    );
    const json = join(dir, 'glue.json');
    writeFileSync(json, JSON.stringify(doc));
    await page.goto(`${url}/#/catalog`);
    await page.getByTestId('import-input').setInputFiles(json);
    expect(await page.getByTestId('import-plan-no-data').innerText()).toBe(
      '2 tables, none with files: they hold no data until you bind them to files (Bind to files… on each table).',
    );
    await page.getByTestId('apply-import').click();
    expect(await page.getByTestId('import-no-data').innerText()).toMatch(
      /^2 tables, none with files/,
    );

    await page.goto(`${url}/#/catalog/imported/orders`);
    await page.getByTestId('bind-open').click();
    await page.getByTestId('bind-files-input').setInputFiles(otherPath);
    const issues = page.getByTestId('bind-issues');
    await issues.waitFor({ timeout: 60_000 });
    expect(await issues.locator('li').allInnerTexts()).toEqual([
      '"other.parquet" has no column "amount"',
      '"other.parquet": column "id" is VARCHAR, the table says BIGINT',
    ]);
    await page.getByTestId('bind-files-input').setInputFiles(join(dir, 'north.parquet'));
    await page.getByTestId('bind-done').waitFor({ timeout: 60_000 });
    expect(
      cellsOf(await queryRows(page, url, 'SELECT count(*), sum(amount) FROM imported.orders')),
    ).toEqual([expected[0]!.split(' ').slice(1).join(' ')]);
  }, 300_000);

  it('a deep link to a table this browser lacks says how to get it', async () => {
    const { page, url } = app;
    await page.goto(`${url}/#/catalog/elsewhere/orders`);
    const note = page.getByTestId('table-not-here');
    await note.waitFor({ timeout: 60_000 });
    expect(await note.innerText()).toMatch(
      /^No table elsewhere\.orders in this browser’s catalog\.\s+Each browser keeps its own catalog\. To get this table here, open the package it came from/,
    );
  }, 120_000);

  it('a zip dropped anywhere on the app opens the package view', async () => {
    const { page, url } = app;
    await page.goto(`${url}/#/runs`);
    const bytes = [...readFileSync(zipPath)];
    await page.evaluate((b) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(b)], 'dropped.zip', { type: 'application/zip' }));
      const target = document.querySelector('main')!;
      target.dispatchEvent(
        new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
      target.dispatchEvent(
        new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
    }, bytes);
    await page.getByTestId('package-title').waitFor({ timeout: 60_000 });
    expect(page.url()).toMatch(/#\/package$/);
    expect(await page.getByTestId('package-title').innerText()).toBe('Shop orders');
  }, 120_000);

  it('Open from URL on a host without CORS: says so, with the rule the host must allow', async () => {
    const { page, url } = app;
    const doc = await presign(stack.proxy, 'bare', 'shares/orders/datapackage.json');
    await page.goto(`${url}/#/catalog`);
    await page.getByTestId('package-url').fill(doc);
    await page.getByTestId('package-url').press('Enter');
    const problem = page.getByTestId('package-problem');
    await problem.waitFor({ timeout: 60_000 });
    expect(await problem.innerText()).toMatch(
      /^remote: http:\/\/127\.0\.0\.1:\d+\/bare\/shares\/orders\/datapackage\.json: the browser blocked the answer: the bucket's CORS configuration does not let this page \(http:\/\/127\.0\.0\.1:\d+\) read it/,
    );
    expect(await problem.innerText()).not.toContain('X-Amz-Signature');
    const rule = JSON.parse(await page.getByTestId('package-cors-rule').innerText());
    expect(rule[0].AllowedOrigins).toEqual([new URL(url).origin]);
  }, 120_000);
});
