// A job run in the real app (headless Chromium): the CSVs added to the catalog through Quick
// convert (copies kept in OPFS), the job saved into the app's IndexedDB, Run clicked on the job
// page, timed by the run's own record (start → end) and by the wall clock, output downloaded.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Job } from '../../src/jobs/model';
import { withAppPage } from './app-page';
import { recordLongTasks, takeLongTasks, type LongTasks } from './long-tasks';
import { saveJobInPage } from '../../test/support/page-storage';

export interface JobInTabRun {
  /** The run record's durationMs: attach, compile, run, encode, write. */
  runMs: number;
  /** Click on Run → SUCCEEDED on the page. */
  wallMs: number;
  /** The downloaded output. */
  file: string;
  /** The page's main-thread tasks over 50 ms from the Run click to the download. */
  longTasks: LongTasks;
}

async function addToCatalog(page: Page, csv: string, table: string): Promise<void> {
  const name = csv.split('/').pop()!;
  await page.getByTestId('file-input').setInputFiles(csv);
  const card = page
    .getByTestId('file-card')
    .filter({ has: page.getByRole('heading', { name, exact: true }) });
  await card.and(page.locator('[data-state=ready]')).waitFor({ timeout: 180_000 });
  await card.getByTestId('add-to-catalog').click();
  await card.getByTestId('add-database').fill('shop');
  await card.getByTestId('add-table').fill(table);
  await card.getByTestId('confirm-add').click();
  await card.getByTestId('open-in-catalog').waitFor({ timeout: 180_000 });
}

async function runDuration(
  page: Page,
  runId: string,
): Promise<{ state: string; ms: number; error?: string }> {
  return page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('decant');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const run = await new Promise<{
      state: string;
      durationMs?: number;
      error?: { message: string };
    }>((resolve, reject) => {
      const r = db.transaction('jobRuns').objectStore('jobRuns').get(id);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    db.close();
    return { state: run.state, ms: run.durationMs ?? Number.NaN, error: run.error?.message };
  }, runId);
}

/**
 * Adds `tables` (name → CSV path) to the catalog as database `shop`, saves `job` (its target a
 * download), and runs it `runs` times on the same page. Throws when a run does not succeed.
 */
export async function jobInTab(opts: {
  tables: Record<string, string>;
  job: Job;
  runs: number;
  downloadDir: string;
  /** Awaited before the next run: e.g. a native run taken beside this one. */
  onRun: (r: JobInTabRun) => void | Promise<void>;
}): Promise<JobInTabRun[]> {
  return withAppPage(
    '#/convert',
    async (page) => {
      for (const [table, csv] of Object.entries(opts.tables)) await addToCatalog(page, csv, table);
      await saveJobInPage(page, opts.job);
      await page.reload();
      await page
        .getByTestId('engine-status')
        .filter({ hasText: 'DuckDB' })
        .waitFor({ timeout: 60_000 });
      const out: JobInTabRun[] = [];
      for (let i = 1; i <= opts.runs; i++) {
        await page.goto(page.url().replace(/#.*$/, `#/jobs/${encodeURIComponent(opts.job.name)}`));
        const download = page.waitForEvent('download', { timeout: 600_000 });
        const links = page.getByTestId('job-runs-tab').locator('a[href*="/runs/"]');
        const hrefs = async () =>
          (await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))).filter(
            Boolean,
          );
        // The runs list may still show the earlier runs only: this run is the link that is new.
        const before = new Set(await hrefs());
        await takeLongTasks(page);
        const started = performance.now();
        await page.getByTestId('run-job').click();
        let href: string | undefined;
        for (let wait = 0; !href && wait < 600; wait++) {
          href = (await hrefs()).find((h) => !before.has(h));
          if (!href) await new Promise((res) => setTimeout(res, 100));
        }
        if (!href) throw new Error(`in-tab run ${i}: its run never appeared in the list`);
        const runId = decodeURIComponent(href.split('/runs/')[1]!);
        const d = await download;
        const wallMs = performance.now() - started;
        const longTasks = await takeLongTasks(page);
        for (let wait = 0; wait < 100; wait++) {
          const r = await runDuration(page, runId);
          if (r.state === 'SUCCEEDED') {
            const file = join(opts.downloadDir, `job-in-tab-${Date.now()}-${i}.parquet`);
            await d.saveAs(file);
            const run = { runMs: r.ms, wallMs, file, longTasks };
            await opts.onRun(run);
            out.push(run);
            break;
          }
          if (['FAILED', 'STOPPED', 'TIMEOUT'].includes(r.state))
            throw new Error(`in-tab run ${i} ended ${r.state}: ${r.error ?? ''}`);
          await new Promise((res) => setTimeout(res, 100));
        }
        if (out.length < i) throw new Error(`in-tab run ${i} did not record SUCCEEDED`);
      }
      return out;
    },
    recordLongTasks,
  );
}
