// The round trip, as users do it: crawl a folder in browser A, Share… the table with a
// column left out, another hashed and a row filter, upload to the loopback S3, copy the share link;
// open it in a fresh browser B, Add to catalog, and query: the same rows as A, the sentinel nowhere.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadCorsRule } from '../../src/share/s3-errors';
import { linkFragment, presignPackage } from '../../src/share/share-link';
import { encodeKey, putObject } from '../support/s3-server';
import { corsXml, startS3Stack, type S3Stack } from '../support/s3-stack';
import { cellsOf, openApp, queryRows, type AppPage } from './app-page';

const BUCKET = 'roundtrip';
const REGION = 'us-east-1';
const TEMP = {
  accessKeyId: 'ASIAE2EROUNDTRIP01',
  secretAccessKey: 'e2e-roundtrip-secret',
  sessionToken: 'e2e-roundtrip-token',
};
const ROWS = 120;
const SENTINEL = 'SENTINEL-RT-';

let a: AppPage;
/** The share link copied in A, for the failure cases. */
let copied = '';
let stack: S3Stack;
const dir = mkdtempSync(join(tmpdir(), 'decant-e2e-roundtrip-'));

const uploadCorsXml = (origin: string) => corsXml(uploadCorsRule(origin));

/** Every object's bytes in the bucket, listed by ListObjectsV2 on the server behind the proxy. */
async function bucketObjects(): Promise<Map<string, Buffer>> {
  const list = await (await fetch(`${stack.server}/${BUCKET}?list-type=2`)).text();
  const keys = [...list.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  const out = new Map<string, Buffer>();
  for (const key of keys) {
    const res = await fetch(`${stack.server}/${BUCKET}/${encodeKey(key)}`);
    expect(res.status).toBe(200);
    out.set(key, Buffer.from(await res.arrayBuffer()));
  }
  return out;
}

beforeAll(async () => {
  a = await openApp();
  const origin = new URL(a.url).origin;
  stack = await startS3Stack([{ name: BUCKET, cors: uploadCorsXml(origin) }]);
  await stack.setRules({
    region: REGION,
    credentials: {
      [TEMP.accessKeyId]: { secret: TEMP.secretAccessKey, token: TEMP.sessionToken },
    },
    denyWrites: [`${BUCKET}/locked/`],
  });
  await a.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const lines = ['id,name,ssn,region,amount'];
  for (let i = 1; i <= ROWS; i++)
    lines.push(
      `${i},person ${i},${SENTINEL}${String(i).padStart(5, '0')},${i % 3 ? 'north' : 'south'},${i * 2.5}`,
    );
  mkdirSync(join(dir, 'people'));
  writeFileSync(join(dir, 'people', 'people.csv'), lines.join('\n') + '\n');
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await a?.browser.close();
});

async function openShare(prefix: string) {
  const { page } = a;
  if (await page.getByTestId('share-dialog').isVisible())
    await page.getByRole('button', { name: 'Close' }).click();
  await page.goto(`${a.url}/?s3PartSize=1024#/catalog/hr/people`);
  await page.getByTestId('share-open').click();
  const dialog = page.getByTestId('share-dialog');
  await dialog.waitFor();
  await dialog.getByTestId('share-title').fill('People round trip');
  await dialog.getByTestId('treatment-ssn').selectOption('omitted');
  await dialog.getByTestId('treatment-name').selectOption('hashed');
  const filter = dialog.getByTestId('share-row-filter');
  await filter.getByRole('button', { name: 'Add a condition' }).click();
  await filter.getByLabel('Column', { exact: true }).fill('region');
  await filter.getByLabel('Value', { exact: true }).fill('north');
  await expect.poll(() => filter.getByTestId('row-filter-issues').count()).toBe(0);
  await dialog.getByTestId('destination-s3').check();
  const form = dialog.getByTestId('s3-credentials');
  if (await form.getByRole('button', { name: 'Use other credentials' }).count())
    await form.getByRole('button', { name: 'Use other credentials' }).click();
  await form.getByTestId('s3-key').fill(TEMP.accessKeyId);
  await form.getByTestId('s3-secret').fill(TEMP.secretAccessKey);
  await form.getByTestId('s3-token').fill(TEMP.sessionToken);
  await form.getByTestId('s3-region').fill(REGION);
  await form.getByTestId('s3-bucket').fill(`s3://${BUCKET}/${prefix}`);
  await form.getByTestId('s3-endpoint').fill(stack.proxy);
  await form.getByTestId('s3-use').click();
  await form.getByTestId('s3-access').waitFor();
  return dialog;
}

describe('Share round trip in Chromium: crawl, share to S3, open the link in a fresh browser', () => {
  it('the recipient queries the same rows as the sender; the sentinel is nowhere', async () => {
    const { page } = a;
    await page.goto(`${a.url}/#/crawl`);
    await page
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: 60_000 });
    await page.getByTestId('crawl-folder-input').setInputFiles(join(dir, 'people'));
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('hr');
    await page.getByTestId('run-crawl').click();
    await page.getByTestId('commit-crawl').click({ timeout: 60_000 });
    await page.getByTestId('crawl-committed').waitFor();

    const dialog = await openShare('shares/people/');
    await dialog.getByTestId('share-start').click();
    await dialog.getByTestId('share-done').waitFor({ timeout: 120_000 });
    const link = dialog.getByTestId('share-link');
    await link.getByTestId('share-link-expiry').selectOption({ label: '1 hour' });
    await link.getByTestId('make-share-link').click();
    await link.getByTestId('copy-share-link').click();
    copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('#package=');

    // The full row set in one row (the grid renders only the rows in view): count, sum, and a
    // digest of every row's id, region and amount in id order.
    const select = (table: string) =>
      `SELECT count(*) AS n, sum(amount) AS total, md5(string_agg(concat_ws('|', id, region, amount), ',' ORDER BY id)) AS digest FROM ${table} WHERE region = 'north'`;
    const sender = cellsOf(await queryRows(page, a.url, select('hr.people')));
    expect(sender).toHaveLength(1);
    expect(sender[0]!.split(' ')[0]).toBe(String(ROWS - Math.floor(ROWS / 3)));

    // Every object in the bucket, byte for byte: no sentinel.
    const objects = await bucketObjects();
    expect(objects.size).toBeGreaterThan(2);
    for (const [key, bytes] of objects)
      expect(bytes.toString('latin1').includes(SENTINEL), key).toBe(false);

    const b = await openApp();
    try {
      await b.page.goto(copied);
      await b.page.getByTestId('package-title').waitFor({ timeout: 60_000 });
      expect(await b.page.getByTestId('package-title').innerText()).toBe('People round trip');
      await b.page.getByTestId('package-preview').waitFor({ timeout: 60_000 });
      expect(await b.page.getByTestId('package-withheld').innerText()).toMatch(/"ssn"/);
      const db = await b.page.getByTestId('package-database').inputValue();
      await b.page.getByTestId('add-package').click();
      await b.page
        .locator('[data-testid=package-added], [data-testid=package-problem]')
        .first()
        .waitFor({ timeout: 120_000 });
      expect(await b.page.getByTestId('package-problem').count()).toBe(0);
      // Every cell B holds, as one text: no sentinel.
      const all = await queryRows(
        b.page,
        b.url,
        `SELECT count(*) AS n, string_agg(CAST(p AS VARCHAR), ',') LIKE '%${SENTINEL}%' AS leaked FROM ${db}.people p`,
      );
      expect(cellsOf(all)).toEqual([`${ROWS - Math.floor(ROWS / 3)} false`]);
      expect(cellsOf(await queryRows(b.page, b.url, select(`${db}.people`)))).toEqual(sender);
      await expect(
        queryRows(b.page, b.url, `SELECT ssn FROM ${db}.people LIMIT 1`),
      ).rejects.toThrow(/ssn/);
    } finally {
      await b.browser.close();
    }
  }, 300_000);

  it('a package file changed in the bucket after upload: Add to catalog names it, nothing added', async () => {
    const objects = await bucketObjects();
    const key = [...objects.keys()].find((k) => k.endsWith('.parquet'))!;
    const bytes = Buffer.from(objects.get(key)!);
    bytes[200]! ^= 0xff;
    await putObject(stack.server, BUCKET, key, bytes);
    const b = await openApp();
    try {
      await b.page.goto(copied);
      await b.page.getByTestId('package-title').waitFor({ timeout: 60_000 });
      await b.page.getByTestId('add-package').click();
      const problem = b.page.getByTestId('package-problem');
      await problem.waitFor({ timeout: 120_000 });
      const file = key.slice('shares/people/'.length);
      expect(await problem.innerText()).toContain(`"${file}"`);
      await b.page.goto(`${b.url}/#/catalog`);
      expect(await b.page.getByTestId('table-link').count()).toBe(0);
    } finally {
      await b.browser.close();
    }
  }, 180_000);

  it('a denied upload says which permission is missing', async () => {
    const dialog = await openShare('locked/p/');
    await dialog.getByTestId('share-start').click();
    const error = dialog.getByTestId('share-error');
    await error.waitFor({ timeout: 120_000 });
    expect(await error.innerText()).toMatch(
      /^share: S3 denied (PutObject|CreateMultipartUpload) on roundtrip\/locked\/p\/.*\(AccessDenied\): the credentials need s3:PutObject on arn:aws:s3:::roundtrip\/locked\/p\//,
    );
    await dialog.getByRole('button', { name: 'Close' }).click();
  }, 180_000);

  it('an expired link says so, with its date', async () => {
    // The same package's files, presigned for a minute from a moment long past.
    const paths = [...(await bucketObjects()).keys()]
      .filter((k) => k.startsWith('shares/people/'))
      .map((k) => k.slice('shares/people/'.length));
    const expired = await presignPackage(
      TEMP,
      { bucket: BUCKET, region: REGION, endpoint: stack.proxy },
      'shares/people',
      paths,
      60,
      new Date('2026-01-05T09:00:00Z'),
    );
    const b = await openApp();
    try {
      await b.page.goto(`${b.url}/${linkFragment(expired)}`);
      const problem = b.page.getByTestId('package-problem');
      await problem.waitFor({ timeout: 60_000 });
      expect(await problem.innerText()).toBe(
        'share: this link expired on 2026-01-05 09:01 UTC; ask the sender for a new one',
      );
    } finally {
      await b.browser.close();
    }
  }, 120_000);
});
