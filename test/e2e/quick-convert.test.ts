import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { card, openApp, settled, type AppPage } from './app-page';
import { csvAt, nativeRead, parquetAt } from '../support/native-duckdb';
import { expected, fixturePath } from '../support/fixtures';

let app: AppPage;
const tmp = mkdtempSync(join(tmpdir(), 'decant-e2e-'));

beforeAll(async () => {
  app = await openApp();
});
afterAll(async () => {
  await app?.browser.close();
});

/** Clicks Convert on a ready card and returns the path of the Parquet file the browser received. */
async function convertAndDownload(fileName: string): Promise<string> {
  const { page } = app;
  const download = page.waitForEvent('download', { timeout: 120_000 });
  await card(page, fileName).getByTestId('convert').click();
  const d = await download;
  expect(d.suggestedFilename()).toBe(fileName.replace(/\.(csv|tsv)(\.gz)?$/, '') + '.parquet');
  const path = join(tmp, `${Date.now()}-${d.suggestedFilename()}`);
  await d.saveAs(path);
  expect(await settled(page, fileName, ['done'])).toBe('done');
  return path;
}

describe('Quick convert in Chromium', () => {
  it('shows what it detected in each dropped file', async () => {
    const { page } = app;
    await page
      .getByTestId('file-input')
      .setInputFiles(
        ['events.tsv', 'quoted-multiline.csv', 'latin1.csv', 'semicolon-decimal-comma.csv'].map(
          fixturePath,
        ),
      );
    for (const f of [
      'events.tsv',
      'quoted-multiline.csv',
      'latin1.csv',
      'semicolon-decimal-comma.csv',
    ])
      expect(await settled(page, f, ['ready', 'failed'])).toBe('ready');

    const events = card(page, 'events.tsv');
    await expect.poll(() => events.getByTestId('delimiter').textContent()).toBe('tab');
    expect(await events.getByTestId('header').textContent()).toBe('yes');
    expect(await events.getByTestId('rows').textContent()).toBe('3');
    const heads = await events.locator('[data-testid=preview] th').allInnerTexts();
    expect(heads.map((h) => h.replace(/\s+/g, ' '))).toEqual([
      'ts TIMESTAMP',
      'user_id BIGINT',
      'active BOOLEAN',
      'score DOUBLE',
    ]);
    expect(await events.locator('[data-testid=preview] tbody tr').first().innerText()).toMatch(
      /2024-03-01 10:00:00\s+17\s+true\s+0\.5/,
    );

    const latin = card(page, 'latin1.csv');
    expect(await latin.getByTestId('encoding').textContent()).toMatch(/Latin-1/);
    expect(await latin.locator('[data-testid=preview] tbody').innerText()).toContain('Besançon');
    expect(
      await card(page, 'semicolon-decimal-comma.csv').getByTestId('notes').innerText(),
    ).toContain('decimal comma');
  });

  it('converts to Parquet that native DuckDB reads exactly like the CSV', async () => {
    for (const f of ['events.tsv', 'quoted-multiline.csv']) {
      const out = await nativeRead(parquetAt(await convertAndDownload(f)));
      const src = await nativeRead(csvAt(fixturePath(f)));
      expect(out.columns).toEqual(src.columns);
      expect(out.rows).toEqual(src.rows);
      expect(out.rows.length).toBe(expected(f).rowCount);
    }
  });

  it('keeps Latin-1 text and European numbers and dates right in the Parquet', async () => {
    const latin = await nativeRead(parquetAt(await convertAndDownload('latin1.csv')));
    expect(latin.rows.map((r) => Object.values(r))).toEqual(expected('latin1.csv').rows);

    const eu = await nativeRead(parquetAt(await convertAndDownload('semicolon-decimal-comma.csv')));
    const want = expected('semicolon-decimal-comma.csv');
    expect(eu.columns).toEqual(want.columns!.map((c) => [c.name, c.type]));
    expect(
      eu.rows.map((r) =>
        Object.values(r).map((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v)),
      ),
    ).toEqual(want.rows);
  });

  it('refuses bad files with messages that name the file and line, and stays usable', async () => {
    const { page } = app;
    await page
      .getByTestId('file-input')
      .setInputFiles(['empty.csv', 'junk.csv', 'ragged.csv'].map(fixturePath));
    for (const f of ['empty.csv', 'junk.csv', 'ragged.csv'])
      expect(await settled(page, f, ['failed', 'ready'])).toBe('failed');
    expect(await card(page, 'empty.csv').getByTestId('error').innerText()).toContain(
      // The domain is a word (a label), not the raw `csv:` prefix.
      'CSV "empty.csv" is empty: there is nothing to convert',
    );
    expect(await card(page, 'junk.csv').getByTestId('error').innerText()).toMatch(
      /"junk\.csv" is not a text file/,
    );
    expect(await card(page, 'ragged.csv').getByTestId('error').innerText()).toContain(
      'expected 3; line 3 has 2, line 4 has 4',
    );

    // The user chooses to skip the bad rows: the two good rows are converted.
    await card(page, 'ragged.csv').getByTestId('skip-bad-rows').click();
    expect(await settled(page, 'ragged.csv', ['ready', 'failed'])).toBe('ready');
    const out = await nativeRead(parquetAt(await convertAndDownload('ragged.csv')));
    expect(out.rows).toEqual([
      { a: '1', b: '2', c: '3' },
      { a: '10', b: '11', c: '12' },
    ]);
    expect(await card(page, 'ragged.csv').getByTestId('done').innerText()).toContain(
      '2 bad rows skipped',
    );
  });

  it('late-string.csv: a value past the sample widens its column, says where, and loses no row', async () => {
    const { page } = app;
    await page.getByTestId('file-input').setInputFiles([fixturePath('late-string.csv')]);
    expect(await settled(page, 'late-string.csv', ['ready', 'failed'])).toBe('ready');
    const out = await nativeRead(parquetAt(await convertAndDownload('late-string.csv')));
    expect(out.columns).toEqual([
      ['id', 'BIGINT'],
      ['code', 'VARCHAR'],
    ]);
    expect(out.rows.length).toBe(30001);
    expect(out.rows.at(-1)).toEqual({ id: '30001', code: 'N/A' });
    expect(await card(page, 'late-string.csv').getByTestId('notes').innerText()).toContain(
      'column "code" written as text (VARCHAR): line 30002: column "code": "N/A" is not a BIGINT',
    );
  });

  it('accepts files dropped on the drop zone, gzip included', async () => {
    const { page } = app;
    const { gzipSync } = await import('node:zlib');
    const { readFileSync } = await import('node:fs');
    const gz = [...gzipSync(readFileSync(fixturePath('events.tsv')))];
    await page.evaluate((bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'dropped.tsv.gz'));
      const zone = document.querySelector('[data-testid=drop-zone]')!;
      zone.dispatchEvent(
        new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
    }, gz);
    expect(await settled(page, 'dropped.tsv.gz', ['ready', 'failed'])).toBe('ready');
    const out = await nativeRead(parquetAt(await convertAndDownload('dropped.tsv.gz')));
    expect(out.rows).toEqual((await nativeRead(csvAt(fixturePath('events.tsv')))).rows);
  });

  it('renders file names and cell values as text, never as HTML', async () => {
    const { page } = app;
    const name = '<img src=x onerror=window.__pwned=1>.csv';
    await page.evaluate(
      ({ n, text }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], n));
        document
          .querySelector('[data-testid=drop-zone]')!
          .dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true }));
      },
      { n: name, text: '"<b>head</b>",plain\n"<script>window.__pwned=2</script>",<i>x</i>\n' },
    );
    expect(await settled(page, name, ['ready', 'failed'])).toBe('ready');
    const c = card(page, name);
    expect(await c.locator('img, b, i, script').count()).toBe(0);
    expect(await c.locator('[data-testid=preview]').innerText()).toContain(
      '<script>window.__pwned=2</script>',
    );
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.getByRole('button', { name: `Remove ${name}` }).click();
    await expect.poll(() => card(page, name).count()).toBe(0);
  });

  it('cancels a running conversion, then converts the same file when asked again', async () => {
    const { page } = app;
    const path = join(tmp, 'many.csv');
    const lines = ['id,name,score,at'];
    for (let i = 0; i < 1_500_000; i++)
      lines.push(
        `${i},name ${i % 977},${(i % 1000) / 7},2024-01-01 00:00:${String(i % 60).padStart(2, '0')}`,
      );
    writeFileSync(path, lines.join('\n') + '\n');
    await page.getByTestId('file-input').setInputFiles([path]);
    expect(await settled(page, 'many.csv', ['ready', 'failed'])).toBe('ready');
    await card(page, 'many.csv').getByTestId('convert').click();
    await card(page, 'many.csv').getByTestId('progress').waitFor();
    await card(page, 'many.csv').getByTestId('cancel').click();
    expect(await settled(page, 'many.csv', ['cancelled', 'done', 'failed'])).toBe('cancelled');
    // While it converts again, a new file is dropped and inspected: the conversion loses nothing.
    const dropDuring = async () => {
      await card(page, 'many.csv').getByTestId('progress').waitFor();
      const during = join(tmp, 'during.csv');
      writeFileSync(during, 'a,b\n1,x\n2,y\n');
      await page.getByTestId('file-input').setInputFiles([during]);
    };
    const [, out] = await Promise.all([
      dropDuring(),
      convertAndDownload('many.csv').then((path) =>
        nativeRead(`(SELECT count(*)::INT AS n, max(id)::INT AS top FROM ${parquetAt(path)})`),
      ),
    ]);
    expect(out.rows).toEqual([{ n: 1_500_000, top: 1_499_999 }]);
    expect(await settled(page, 'during.csv', ['ready', 'failed'])).toBe('ready');
    await page.getByRole('button', { name: 'Remove during.csv' }).click();
  });

  it('converts several files one after another with "Convert all", each with its own result', async () => {
    const { page } = app;
    const names = ['all-strings-header.csv', 'no-header.csv', 'utf8-bom.csv'];
    await page.getByTestId('file-input').setInputFiles(names.map(fixturePath));
    for (const f of names) expect(await settled(page, f, ['ready', 'failed'])).toBe('ready');
    const got: string[] = [];
    const onDownload = (d: { suggestedFilename(): string }) => got.push(d.suggestedFilename());
    page.on('download', onDownload);
    await page.getByTestId('convert-all').click();
    for (const f of names) expect(await settled(page, f, ['done', 'failed'])).toBe('done');
    await expect.poll(() => got.length).toBe(3);
    page.off('download', onDownload);
    expect(got).toEqual(['all-strings-header.parquet', 'no-header.parquet', 'utf8-bom.parquet']);
    for (const f of names)
      expect(await card(page, f).getByTestId('done').innerText()).toMatch(
        new RegExp(`^${expected(f).rowCount} rows → .* Parquet \\(zstd, 1 row group\\)`),
      );
  });

  it('made no request outside its own origin and hit no CSP violation', () => {
    expect(app.foreignRequests).toEqual([]);
    expect(app.consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual(
      [],
    );
  });
});
