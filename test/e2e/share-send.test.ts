import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClient } from 'aws4fetch';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataPackage } from '../../src/share/datapackage';
import { uploadCorsRule } from '../../src/share/s3-errors';
import { fileUrl, linkFromFragment } from '../../src/share/share-link';
import { nativeRead, parquetAt } from '../support/native-duckdb';
import { presignPost } from '../support/s3-post-policy';
import { encodeKey } from '../support/s3-server';
import { corsXml, startS3Stack, type S3Stack } from '../support/s3-stack';
import { errorLines, officialValidator } from '../share/datapackage-schema';
import { openApp, type AppPage } from './app-page';

const BUCKET = 'outbox';
const REGION = 'us-east-1';
const TEMP = {
  accessKeyId: 'ASIAE2ESHARESEND01',
  secretAccessKey: 'e2e-secret-never-shown',
  sessionToken: 'e2e-session-token-never-shown',
};
/** Each multipart part this size (the app's test hook; S3 itself wants 5 MiB). */
const PART = 1024;
const ROWS = 1200;

let app: AppPage;
let stack: S3Stack;
let base = '';
const dir = mkdtempSync(join(tmpdir(), 'decant-e2e-share-'));

const uploadCorsXml = (origin: string) => corsXml(uploadCorsRule(origin));

beforeAll(async () => {
  app = await openApp();
  const origin = new URL(app.url).origin;
  stack = await startS3Stack([{ name: BUCKET, cors: uploadCorsXml(origin) }]);
  await stack.setRules({
    region: REGION,
    credentials: {
      [TEMP.accessKeyId]: { secret: TEMP.secretAccessKey, token: TEMP.sessionToken },
    },
    denyWrites: [`${BUCKET}/locked/`],
  });
  await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  // `people`: every ssn holds a sentinel; half the rows are in region north.
  const lines = ['id,name,ssn,region,amount'];
  for (let i = 1; i <= ROWS; i++)
    lines.push(
      `${i},person ${i},SENTINEL-SSN-${String(i).padStart(6, '0')},${i % 2 ? 'north' : 'south'},${i * 1.5}`,
    );
  mkdirSync(join(dir, 'people'));
  writeFileSync(join(dir, 'people', 'people.csv'), lines.join('\n') + '\n');
  base = `${app.url}/?s3PartSize=${PART}`;

  const { page } = app;
  await page.goto(`${base}#/crawl`);
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
}, 240_000);
afterAll(async () => {
  await stack?.close();
  await app?.browser.close();
});

/** Opens Share… on hr.people: ssn left out, rows of region north only. */
async function openShare(page: Page, title: string) {
  // A dialog a failed test left open is closed first.
  if (await page.getByTestId('share-dialog').isVisible())
    await page.getByRole('button', { name: 'Close' }).click();
  await page.goto(`${base}#/catalog/hr/people`);
  await page.getByTestId('share-open').click();
  const dialog = page.getByTestId('share-dialog');
  await dialog.waitFor();
  await dialog.getByTestId('share-title').fill(title);
  await dialog.getByTestId('treatment-ssn').selectOption('omitted');
  const filter = dialog.getByTestId('share-row-filter');
  await filter.getByRole('button', { name: 'Add a condition' }).click();
  await filter.getByLabel('Column', { exact: true }).fill('regio');
  // Checked as typed: the misspelt column is named at once, under the filter.
  await expect.poll(() => filter.getByTestId('row-filter-issues').innerText()).toMatch(/regio/);
  await filter.getByLabel('Column', { exact: true }).fill('region');
  await filter.getByLabel('Value', { exact: true }).fill('north');
  await expect.poll(() => filter.getByTestId('row-filter-issues').count()).toBe(0);
  await expect
    .poll(() => dialog.getByTestId('share-withheld').innerText())
    .toMatch(/"ssn" is left out[\s\S]*Only rows where "region" is "north" are included/);
  const preview = dialog.getByTestId('share-preview');
  // The preview follows the rules: no ssn column, only north rows.
  await expect
    .poll(async () => {
      const rows = await preview.locator('tbody').innerText();
      return /north/.test(rows) && !/south/.test(rows);
    })
    .toBe(true);
  expect(await preview.locator('thead').innerText()).not.toMatch(/ssn/);
  expect(await preview.locator('tbody').innerText()).not.toMatch(/SENTINEL/);
  return dialog;
}

async function useCredentials(page: Page, dialog: ReturnType<Page['getByTestId']>, prefix: string) {
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
}

const signed = new AwsClient({ ...TEMP, service: 's3', region: REGION });

/** ListMultipartUploads on the bucket, as S3's API answers it: the upload ids in progress. */
async function multipartUploads(): Promise<string[]> {
  const res = await signed.fetch(`${stack.proxy}/${BUCKET}?uploads`);
  expect(res.status).toBe(200);
  return [...(await res.text()).matchAll(/<UploadId>([^<]+)<\/UploadId>/g)].map((m) => m[1]!);
}

async function storedObject(key: string): Promise<Buffer | null> {
  const res = await fetch(`${stack.server}/${BUCKET}/${encodeKey(key)}`);
  if (res.status === 404) return null;
  return Buffer.from(await res.arrayBuffer());
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const validate = officialValidator('tabular-data-package');

/** The shared Parquet read by native DuckDB: north rows only, no ssn, no sentinel. */
async function expectSharedRows(parquet: string) {
  const read = await nativeRead(parquetAt(parquet));
  expect(read.columns.map(([n]) => n)).toEqual(['id', 'name', 'region', 'amount']);
  expect(read.rows).toHaveLength(ROWS / 2);
  expect(new Set(read.rows.map((r) => r.region))).toEqual(new Set(['north']));
  expect(JSON.stringify(read.rows)).not.toContain('SENTINEL');
}

describe('Sharing a table in Chromium: zip, S3 multipart, presigned POST, share link', () => {
  it('opens Share… for the tables ticked in the catalog list', async () => {
    const { page } = app;
    await page.goto(`${base}#/catalog/hr`);
    const selected = page.getByTestId('share-selected');
    expect(await selected.isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: 'Select hr.people to share' }).check();
    expect(await selected.innerText()).toBe('Share selected (1)…');
    await selected.click();
    const dialog = page.getByTestId('share-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('share-table').count()).toBe(1);
    expect(await dialog.getByTestId('share-title').inputValue()).toBe('hr.people');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('downloads a zip whose Parquet holds the filtered rows and no byte of the left-out column', async () => {
    const { page } = app;
    const dialog = await openShare(page, 'People north');
    await dialog.getByTestId('destination-zip').check();
    const downloading = page.waitForEvent('download', { timeout: 120_000 });
    await dialog.getByTestId('share-start').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('People-north.zip');
    const zipPath = join(dir, 'people-north.zip');
    await download.saveAs(zipPath);
    await dialog.getByTestId('share-done').waitFor();

    const zip = readFileSync(zipPath);
    expect(zip.toString('latin1')).not.toContain('SENTINEL');
    const out = join(dir, 'unzipped');
    execFileSync('unzip', ['-q', '-o', zipPath, '-d', out]);
    const doc = JSON.parse(readFileSync(join(out, 'datapackage.json'), 'utf8')) as DataPackage;
    expect(validate(doc), errorLines(validate.errors).join('\n')).toBe(true);
    const file = doc.resources[0]!.files[0]!;
    expect(file.path).toBe('data/hr.people/part-00000.parquet');
    expect(file.rows).toBe(ROWS / 2);
    expect(file.hash).toBe(`sha256:${sha(readFileSync(join(out, file.path)))}`);
    expect(doc.resources[0]!.withheld!.join(' ')).toMatch(/"ssn" is left out/);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toMatch(/### What was withheld/);
    await expectSharedRows(join(out, file.path));
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('names the missing permission when S3 denies the upload', async () => {
    const { page } = app;
    const dialog = await openShare(page, 'People locked');
    await useCredentials(page, dialog, 'locked/p/');
    await dialog.getByTestId('share-start').click();
    const error = dialog.getByTestId('share-error');
    await error.waitFor({ timeout: 120_000 });
    const text = await error.innerText();
    expect(text).toMatch(
      /^share: S3 denied (PutObject|CreateMultipartUpload) on outbox\/locked\/p\/data\/hr\.people\/part-00000\.parquet \(AccessDenied\): the credentials need s3:PutObject on arn:aws:s3:::outbox\/locked\/p\//,
    );
    expect(text).not.toMatch(/never-shown/);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('cancels a multipart upload mid-way: the upload is aborted, no part is left', async () => {
    const { page } = app;
    await stack.setRules({
      region: REGION,
      credentials: {
        [TEMP.accessKeyId]: { secret: TEMP.secretAccessKey, token: TEMP.sessionToken },
      },
      delayPartsMs: 400,
    });
    await stack.reset();
    const dialog = await openShare(page, 'People cancelled');
    await useCredentials(page, dialog, 'cancelled/p/');
    await dialog.getByTestId('share-start').click();
    // A part is on its way: the progress names the Parquet file being sent.
    await expect
      .poll(
        () =>
          dialog
            .getByTestId('share-progress')
            .innerText()
            .catch(() => ''),
        {
          timeout: 120_000,
        },
      )
      .toMatch(/Sending data\/hr\.people\/part-00000\.parquet/);
    await expect.poll(async () => (await stack.log()).some((e) => e.method === 'PUT')).toBe(true);
    await dialog.getByTestId('share-cancel').click();
    await dialog.getByTestId('share-cancelled').waitFor({ timeout: 60_000 });
    const log = await stack.log();
    expect(log.filter((e) => e.method === 'POST' && e.status === 200).length).toBeGreaterThan(0);
    expect(log.some((e) => e.method === 'DELETE' && e.status === 204)).toBe(true);
    expect(await multipartUploads()).toEqual([]);
    expect(await storedObject('cancelled/p/data/hr.people/part-00000.parquet')).toBeNull();
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('uploads by multipart, then copies a share link whose URLs fetch the files', async () => {
    const { page } = app;
    await stack.setRules({
      region: REGION,
      credentials: {
        [TEMP.accessKeyId]: { secret: TEMP.secretAccessKey, token: TEMP.sessionToken },
      },
    });
    await stack.reset();
    const dialog = await openShare(page, 'People shared');
    await useCredentials(page, dialog, 'shares/people/');
    await dialog.getByTestId('share-start').click();
    await dialog.getByTestId('share-done').waitFor({ timeout: 120_000 });
    expect(await dialog.getByTestId('share-done').innerText()).toMatch(
      /^Uploaded \d+ files to s3:\/\/outbox\/shares\/people\/\.$/,
    );
    const log = await stack.log();
    // The Parquet file went in parts of PART bytes: started, several parts, completed.
    const parquetPath = `/${BUCKET}/shares/people/data/hr.people/part-00000.parquet`;
    const parts = log.filter((e) => e.path === parquetPath && e.method === 'PUT');
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((e) => e.status === 200)).toBe(true);
    expect(log.filter((e) => e.path === parquetPath && e.method === 'POST')).toHaveLength(2);
    expect(await multipartUploads()).toEqual([]);

    const stored = (await storedObject('shares/people/datapackage.json'))!;
    const doc = JSON.parse(stored.toString()) as DataPackage;
    expect(validate(doc), errorLines(validate.errors).join('\n')).toBe(true);
    const parquet = (await storedObject('shares/people/data/hr.people/part-00000.parquet'))!;
    expect(doc.resources[0]!.files[0]!.hash).toBe(`sha256:${sha(parquet)}`);
    expect(parquet.length).toBeGreaterThan(2 * PART);
    writeFileSync(join(dir, 'uploaded.parquet'), parquet);
    await expectSharedRows(join(dir, 'uploaded.parquet'));

    const link = dialog.getByTestId('share-link');
    await link.getByTestId('share-link-expiry').selectOption({ label: '1 hour' });
    await link.getByTestId('make-share-link').click();
    expect(await link.getByTestId('share-link-warning').innerText()).toMatch(
      /^Anyone who has this link can download the shared data until \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
    );
    await link.getByTestId('copy-share-link').click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await link.getByTestId('share-link-url').inputValue());
    const url = new URL(copied);
    expect(`${url.origin}${url.pathname}`).toBe(`${app.url}/`);
    const shared = linkFromFragment(url.hash);
    const expires = new Date(shared.expiresAt).getTime() - Date.now();
    expect(expires).toBeGreaterThan(50 * 60_000);
    expect(expires).toBeLessThanOrEqual(3600_000);
    const fetched = JSON.parse(
      await (await fetch(fileUrl(shared, 'datapackage.json'))).text(),
    ) as DataPackage;
    expect(fetched).toEqual(doc);
    for (const f of fetched.resources[0]!.files) {
      const res = await fetch(fileUrl(shared, f.path));
      expect(res.status).toBe(200);
      expect(`sha256:${sha(new Uint8Array(await res.arrayBuffer()))}`).toBe(f.hash);
    }
    // A URL of the link with its signature altered is refused, as S3 would.
    const forged = fileUrl(shared, 'datapackage.json').replace(
      /X-Amz-Signature=[0-9a-f]/,
      'X-Amz-Signature=z',
    );
    expect((await fetch(forged)).status).toBe(403);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('uploads with a presigned POST policy pasted as JSON, no credentials in the tab', async () => {
    const { page } = app;
    const dialog = await openShare(page, 'People posted');
    await dialog.getByTestId('destination-post').check();
    const post = presignPost({
      endpoint: stack.proxy,
      bucket: BUCKET,
      key: 'posted/p1/${filename}',
      ...TEMP,
      region: REGION,
      conditions: [['content-length-range', 1, 10 * 1024 * 1024]],
    });
    await dialog.getByTestId('share-post-json').fill(JSON.stringify(post));
    await dialog.getByTestId('share-start').click();
    await dialog.getByTestId('share-done').waitFor({ timeout: 120_000 });
    expect(await dialog.getByTestId('share-done').innerText()).toMatch(
      /^Posted \d+ files under posted\/p1\/\.$/,
    );
    const doc = JSON.parse(
      (await storedObject('posted/p1/datapackage.json'))!.toString(),
    ) as DataPackage;
    const parquet = (await storedObject(`posted/p1/${doc.resources[0]!.files[0]!.path}`))!;
    expect(doc.resources[0]!.files[0]!.hash).toBe(`sha256:${sha(parquet)}`);
    writeFileSync(join(dir, 'posted.parquet'), parquet);
    await expectSharedRows(join(dir, 'posted.parquet'));
    const glue = JSON.parse(
      (await storedObject('posted/p1/glue/hr.people.table-input.json'))!.toString(),
    );
    expect(glue.StorageDescriptor.Location).toBe(`s3://${BUCKET}/posted/p1/data/hr.people/`);

    // A policy for another prefix is refused by S3's rules, and said so.
    const other = presignPost({
      endpoint: stack.proxy,
      bucket: BUCKET,
      key: 'posted/p2/${filename}',
      ...TEMP,
      region: REGION,
      conditions: [['content-length-range', 1, 10]],
    });
    await dialog.getByTestId('share-post-json').fill(JSON.stringify(other));
    await dialog.getByTestId('share-start').click();
    await expect
      .poll(() => dialog.getByTestId('share-error').innerText(), { timeout: 120_000 })
      .toMatch(/more than the 10 the presigned POST allows \(content-length-range\)/);
    expect(app.consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });

  it('writes the package into a picked folder, every file renamed into place', async () => {
    const { page } = app;
    // The picker gives a real directory handle: a folder of this origin's private file system.
    await page.evaluate(() => {
      (
        window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
      ).showDirectoryPicker = async () =>
        (await navigator.storage.getDirectory()).getDirectoryHandle('shared-pkg', { create: true });
    });
    const dialog = await openShare(page, 'People in a folder');
    await dialog.getByTestId('destination-folder').check();
    await dialog.getByTestId('share-pick-folder').click();
    await dialog.getByTestId('share-folder').waitFor();
    await dialog.getByTestId('share-start').click();
    await dialog.getByTestId('share-done').waitFor({ timeout: 120_000 });
    expect(await dialog.getByTestId('share-done').innerText()).toMatch(
      /^Wrote \d+ files into folder "shared-pkg"\.$/,
    );
    const files = await page.evaluate(async () => {
      type Listable = FileSystemDirectoryHandle & {
        entries(): AsyncIterable<[string, FileSystemHandle]>;
      };
      const out: Record<string, string> = {};
      const walk = async (dir: FileSystemDirectoryHandle, at: string) => {
        for await (const [name, h] of (dir as Listable).entries()) {
          if (h.kind === 'directory') await walk(h as FileSystemDirectoryHandle, `${at}${name}/`);
          else {
            const bytes = new Uint8Array(
              await (await (h as FileSystemFileHandle).getFile()).arrayBuffer(),
            );
            let binary = '';
            for (const b of bytes) binary += String.fromCharCode(b);
            out[`${at}${name}`] = btoa(binary);
          }
        }
      };
      await walk(
        await (await navigator.storage.getDirectory()).getDirectoryHandle('shared-pkg'),
        '',
      );
      return out;
    });
    expect(Object.keys(files).filter((n) => n.includes('.decant-tmp-'))).toEqual([]);
    const doc = JSON.parse(
      Buffer.from(files['datapackage.json']!, 'base64').toString(),
    ) as DataPackage;
    const f = doc.resources[0]!.files[0]!;
    const parquet = Buffer.from(files[f.path]!, 'base64');
    expect(f.hash).toBe(`sha256:${sha(parquet)}`);
    writeFileSync(join(dir, 'folder.parquet'), parquet);
    await expectSharedRows(join(dir, 'folder.parquet'));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['README.md', 'athena/hr.people.sql']),
    );
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('keeps the credentials sealed with a passphrase: nothing readable stored, wrong passphrase said', async () => {
    const { page } = app;
    let dialog = await openShare(page, 'People kept');
    await dialog.getByTestId('destination-s3').check();
    const form = dialog.getByTestId('s3-credentials');
    if (await form.getByRole('button', { name: 'Use other credentials' }).count())
      await form.getByRole('button', { name: 'Use other credentials' }).click();
    await form.getByTestId('s3-key').fill(TEMP.accessKeyId);
    await form.getByTestId('s3-secret').fill(TEMP.secretAccessKey);
    await form.getByTestId('s3-token').fill(TEMP.sessionToken);
    await form.getByTestId('s3-bucket').fill(`s3://${BUCKET}/kept/`);
    await form.getByTestId('s3-endpoint').fill(stack.proxy);
    await form.getByTestId('s3-keep').check();
    await form.getByTestId('s3-passphrase').fill('e2e passphrase');
    await form.getByTestId('s3-use').click();
    await expect
      .poll(() => form.getByTestId('s3-access').innerText(), { timeout: 30_000 })
      .toMatch(/Kept in this browser, encrypted with your passphrase/);
    const stored = await page.evaluate(
      () =>
        new Promise<string>((resolve, reject) => {
          const open = indexedDB.open('decant');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result
              .transaction('settings')
              .objectStore('settings')
              .get('vault:s3-access');
            get.onsuccess = () => {
              const v = get.result.value as Record<string, unknown>;
              const text = (x: unknown) =>
                x instanceof Uint8Array
                  ? Array.from(x, (b) => String.fromCharCode(b)).join('')
                  : String(x);
              resolve(Object.values(v).map(text).join('|'));
              open.result.close();
            };
          };
        }),
    );
    expect(stored.length).toBeGreaterThan(60);
    for (const secret of [
      TEMP.secretAccessKey,
      TEMP.sessionToken,
      TEMP.accessKeyId,
      'e2e passphrase',
    ])
      expect(stored).not.toContain(secret);

    // A new page load holds nothing in memory: the kept credentials need the passphrase.
    await page.reload();
    await page
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: 60_000 });
    dialog = await openShare(page, 'People kept');
    await dialog.getByTestId('destination-s3').check();
    await dialog.getByTestId('s3-unlock-passphrase').fill('not it');
    await dialog.getByTestId('s3-unlock').click();
    expect(await dialog.getByTestId('s3-credentials-error').innerText()).toBe(
      'credentials: the passphrase is wrong: the kept credentials stay locked',
    );
    await dialog.getByTestId('s3-unlock-passphrase').fill('e2e passphrase');
    await dialog.getByTestId('s3-unlock').click();
    await expect
      .poll(() => dialog.getByTestId('s3-access').innerText(), { timeout: 30_000 })
      .toMatch(new RegExp(`Uploading as ${TEMP.accessKeyId} to s3://${BUCKET}/kept/`));
    await dialog.getByTestId('s3-forget').click();
    await expect.poll(() => dialog.getByTestId('s3-access').count()).toBe(0);
    expect(await dialog.getByTestId('s3-unlock').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });
});
