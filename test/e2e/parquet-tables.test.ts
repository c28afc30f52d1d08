import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';
import { openApp, type AppPage, queryRows, cellsOf } from './app-page';

let app: AppPage;
const base = mkdtempSync(join(tmpdir(), 'decant-e2e-parquet-'));
const root = join(base, 'events');

/** One row per partition, as one text without spaces (the grid splits on them). */
const summary = (from: string) => `SELECT concat_ws('|', year, month, count(*), sum(amount),
    strftime(min(seen_at), '%Y-%m-%dT%H:%M:%S'), max(day), count(coupon), sum(meta.n),
    max(len(meta.tags)), count(DISTINCT sku)) AS r
  FROM ${from} GROUP BY year, month ORDER BY year, month`;

let expected: string[];

beforeAll(async () => {
  // A hive-partitioned folder written by native DuckDB: three codecs, several row groups, a
  // column that only the newest partition has.
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  const part = (i: number, extra = '') => `SELECT (r + ${i * 100_000})::BIGINT AS id,
      'sku-' || (r % 13) AS sku, (r % 1000 / 4)::DECIMAL(10,2) AS amount,
      TIMESTAMP '2024-11-01' + INTERVAL (r) MINUTE AS seen_at, DATE '2024-11-01' + (r % 30)::INTEGER AS day,
      {'n': r % 10, 'tags': ['a', 'b', 'c'][1:1 + r % 3]} AS meta${extra}
    FROM range(${30_000 + i * 1000}) t(r)`;
  const files: [string, string, string][] = [
    ['year=2024/month=11/part-0.parquet', part(0), 'zstd'],
    ['year=2024/month=12/part-0.parquet', part(1), 'snappy'],
    ['year=2025/month=11/part-0.parquet', part(2, ", 'C' || (r % 5) AS coupon"), 'gzip'],
  ];
  for (const [path, select, codec] of files) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    await c.run(
      `COPY (${select}) TO ${quoteLiteral(full)} (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 10240)`,
    );
  }
  const all = quoteLiteral(join(root, '**/*.parquet'));
  const rows = await c.runAndReadAll(
    summary(`read_parquet(${all}, hive_partitioning = true, union_by_name = true)`),
  );
  expected = rows.getRowObjectsJson().map((r) => String(r.r));
  // A file whose footer is sound (the crawler accepts it) but whose second row group is not.
  const broken = join(base, 'broken', 'part-0.parquet');
  mkdirSync(dirname(broken), { recursive: true });
  await c.run(
    `COPY (SELECT r AS id, repeat('x', 50) || r AS s FROM range(100000) t(r)) TO ` +
      `${quoteLiteral(broken)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 50000)`,
  );
  const bytes = new Uint8Array(readFileSync(broken));
  const at = Math.floor(bytes.length * 0.6);
  for (let i = at; i < at + 20_000; i++) bytes[i] = (i * 7) & 255;
  writeFileSync(broken, bytes);
  c.closeSync();
  app = await openApp();
});
afterAll(async () => {
  await app?.browser.close();
});

const sql = (page: Page, text: string) => queryRows(page, app.url, text);

describe('Parquet tables in Chromium', () => {
  it('crawls a hive-partitioned Parquet folder into one table, queryable as lake.events', async () => {
    const { page } = app;
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('crawl-folder-input').setInputFiles(root);
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('lake');
    await page.getByTestId('run-crawl').click();
    await page
      .locator('[data-testid=crawl-plan], [data-testid=crawl-error]')
      .first()
      .waitFor({ timeout: 60_000 });
    const plan = page.getByTestId('plan-table');
    expect(await plan.count()).toBe(1);
    const row = (await plan.first().innerText()).split('\t');
    expect(row.slice(0, 3)).toEqual([
      'lake.events',
      'PARQUET',
      'id BIGINT, sku VARCHAR, amount DECIMAL(10,2), seen_at TIMESTAMP, day DATE, ' +
        'meta STRUCT(n BIGINT, tags VARCHAR[]), coupon VARCHAR',
    ]);
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();

    expect(cellsOf(await sql(page, summary('lake.events')))).toEqual(expected);
    expect(
      cellsOf(
        await sql(
          page,
          `SELECT concat_ws('|', id, amount, day, meta.tags[1], coupon) FROM lake.events
           WHERE id IN (3, 200004) ORDER BY id`,
        ),
      ),
    ).toEqual(['3|0.75|2024-11-04|a', '200004|1.00|2024-11-05|a|C4']);
  });

  it("shows the table's rows in its Data tab and computes its statistics", async () => {
    const { page } = app;
    await page.goto(`${app.url}/#/catalog/lake/events`);
    await page.getByTestId('table-detail').waitFor();
    await page.getByTestId('tab-data').click();
    await expect
      .poll(() => page.getByTestId('row-count').innerText(), { timeout: 60_000 })
      .toBe('93,000 rows');
    await expect.poll(() => page.getByTestId('virtual-grid').innerText()).toContain('sku-');
    await page.getByTestId('tab-statistics').click();
    await page.getByTestId('compute-stats').click();
    const stats = page.getByTestId('stats');
    await stats.waitFor({ timeout: 60_000 });
    const coupon = (await stats.locator('tr', { hasText: 'coupon' }).first().innerText()).split(
      '\t',
    );
    // Nulls: the two partitions without the column.
    expect(coupon).toContain('61,000');
  });

  it('names the file and row group of corrupt pages, and reads other tables after', async () => {
    const { page } = app;
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('crawl-folder-input').setInputFiles(join(base, 'broken'));
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('lake');
    await page.getByTestId('run-crawl').click();
    await page.getByTestId('crawl-plan').waitFor({ timeout: 60_000 });
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();
    await expect(sql(page, 'SELECT count(*) FROM lake.broken')).rejects.toThrow(
      'parquet: "lake.broken/broken/part-0.parquet": row group 2 of 2: the Parquet reader crashed on ' +
        'it: its data is corrupt',
    );
    expect(cellsOf(await sql(page, summary('lake.events')))).toEqual(expected);
    expect(app.consoleErrors).toEqual([]);
  });

  it('is queryable again after a reload (files kept in OPFS)', async () => {
    const { page } = app;
    await page.reload();
    await page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor();
    expect(cellsOf(await sql(page, summary('lake.events')))).toEqual(expected);
  });

  it('made no request outside its own origin', () => {
    expect(app.foreignRequests).toEqual([]);
  });
});
