// What several end-to-end files set up alike: the sales fixture folder as it is put into the
// browser's storage, and a job slow enough to be stopped, cancelled or cut off mid-run.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { newJob, type Job, type JobNode } from '../../src/jobs/model';
import { fixturePath } from './fixtures';
import { putOpfs } from './page-storage';

/** The hive-partitioned sales files (test/fixtures/sales), as paths below the folder's root. */
export const SALES_FIXTURES = [
  'sales/year=2024/month=01/part-0.csv',
  'sales/year=2024/month=02/part-0.csv',
  'sales/year=2025/month=01/part-0.csv',
];

/** The sales files by path, with their text: what putOpfs takes. */
export function salesFolderFiles(
  paths: readonly string[] = SALES_FIXTURES,
): Record<string, string> {
  return Object.fromEntries(paths.map((p) => [p, readFileSync(fixturePath(p), 'utf8')]));
}

/**
 * Puts the sales folder into the browser's storage as `lake-files`, then saves and runs the
 * "sales crawler" on it into database `warehouse` (the app at `url`), up to the commit.
 */
export async function crawlSalesFolder(page: Page, url: string): Promise<void> {
  await putOpfs(page, 'lake-files', salesFolderFiles());
  await page.goto(`${url}#/crawl`);
  await page.getByTestId('new-crawler').click();
  await page.getByTestId('crawler-name').fill('sales crawler');
  await page.getByTestId('crawl-database').fill('warehouse');
  const folder = page.getByTestId('crawl-opfs-folder');
  await folder.focus();
  await expect.poll(() => folder.locator('option').allInnerTexts()).toContain('lake-files');
  await folder.selectOption('lake-files');
  await page.getByTestId('crawl-found').waitFor();
  await page.getByTestId('save-crawler').click();
  await page.getByTestId('run-crawl').click();
  await page.getByTestId('crawl-plan').waitFor({ timeout: 60_000 });
  await page.getByTestId('commit-crawl').click();
  await page.getByTestId('crawl-committed').waitFor();
}

/**
 * A job slow enough to stop: `source`, then 30 million hashed rows into Parquet in the browser's
 * storage under `outPath`.
 */
export function slowJob(name: string, source: JobNode, outPath: string): Job {
  return {
    ...newJob(name),
    nodes: [
      source,
      {
        id: 'many',
        kind: 'sql-query',
        name: 'many rows',
        options: {
          query: 'SELECT i, md5(i::VARCHAR) AS h FROM range(30000000) t(i)',
          aliases: {},
        },
      },
      {
        id: 'out',
        kind: 'target',
        name: 'slow out',
        options: {
          format: { kind: 'parquet' },
          partitionKeys: [],
          destination: 'opfs',
          path: outPath,
        },
      },
    ],
    edges: [
      { from: source.id, to: 'many', port: 0 },
      { from: 'many', to: 'out', port: 0 },
    ],
  };
}
