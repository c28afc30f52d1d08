// Issue 11, "Layout and looks" for Runs, Schedule, Quick convert and Crawlers: every run links to
// its page, one date format with its zone stated, chart labels that do not overlap, trigger types
// in words, workflows built from their own page, exact row counts, domains as words, and crawl
// durations without the time the plan waited for Commit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newJob, type Job } from '../../src/jobs/model';
import { formatDuration } from '../../src/core/format';
import { card, openApp, settled, type AppPage } from './app-page';
import { putOpfs, saveJobInPage } from '../support/page-storage';

let app: AppPage;
beforeAll(async () => {
  app = await openApp();
  await app.page.setViewportSize({ width: 1280, height: 800 });
});
afterAll(async () => {
  await app?.browser.close();
});

async function records<T>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(
    (store) =>
      new Promise<T[]>((resolve, reject) => {
        const open = indexedDB.open('decant');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction(store).objectStore(store).getAll();
          req.onsuccess = () => {
            resolve(req.result as T[]);
            open.result.close();
          };
          req.onerror = () => reject(req.error);
        };
      }),
    store,
  );
}

const DATE_TIME = /^\d{1,2} [A-Z][a-z]{2,3} \d{4}, \d\d:\d\d:\d\d$/;

describe('Runs, Schedule, Quick convert and Crawlers look after the user', () => {
  it('a crawl waited on for Commit is timed by its work; the Schedule page explains itself and builds workflows on their own page; every run links to its page', async () => {
    const { page, url } = app;
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    await putOpfs(page, 'shop', { 'orders.csv': 'id,amount\n1,10\n2,20\n3,30\n' });

    // A saved crawler, run from its page; the plan sits on screen for three seconds.
    await page.goto(`${url}/#/crawl`);
    await page.getByTestId('new-crawler').click();
    await page.getByTestId('crawler-name').fill('shop crawler');
    await page.getByTestId('crawl-database').fill('shop');
    const select = page.getByTestId('crawl-opfs-folder');
    await select.focus();
    await expect.poll(() => select.locator('option').allInnerTexts()).toContain('shop');
    await select.selectOption('shop');
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('run-crawl').click();
    await page.getByTestId('commit-crawl').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(3000);
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor({ timeout: 60_000 });
    const [crawl] = await records<{
      state: string;
      startedAt: number;
      endedAt: number;
      activeMs?: number;
    }>(page, 'crawlerRuns');
    expect(crawl!.state).toBe('SUCCEEDED');
    expect(crawl!.endedAt - crawl!.startedAt).toBeGreaterThanOrEqual(3000);
    expect(crawl!.activeMs).toBeLessThan(crawl!.endedAt - crawl!.startedAt - 2500);
    const crawlRow = page.getByTestId('crawler-run').first();
    await expect
      .poll(() => crawlRow.getByTestId('run-duration').innerText())
      .toBe(formatDuration(crawl!.activeMs!));
    expect(await crawlRow.getByTestId('run-started').innerText()).toMatch(DATE_TIME);

    // The Schedule page: what fires when, in words, and which tab runs it.
    await page.goto(`${url}/#/schedule`);
    const how = page.getByTestId('schedule-how');
    expect(await how.innerText()).toContain('Triggers fire only while a tab of Decant is open');
    await expect
      .poll(() => how.getByTestId('scheduler-status').innerText())
      .toContain('This tab runs the scheduler');
    expect(await how.getByTestId('time-zone-note').innerText()).toBe(`Times in ${zone}.`);
    await page.getByTestId('new-trigger').click();
    expect(await page.getByTestId('trigger-kind').locator('option').allInnerTexts()).toEqual([
      'On demand (ON_DEMAND)',
      'On a schedule (SCHEDULED)',
      'When jobs or crawlers finish (CONDITIONAL)',
      'When new files arrive (EVENT)',
    ]);
    await page.getByRole('button', { name: 'Cancel' }).click();

    // New workflow opens the workflow's page, where its first trigger is added.
    await page.getByTestId('new-workflow').click();
    await page.getByTestId('workflow-name').fill('shop flow');
    await page.getByTestId('add-workflow').click();
    await page.waitForURL('**/#/schedule/workflows/shop%20flow');
    await page.getByRole('heading', { name: 'Workflow shop flow' }).waitFor();
    await page.getByTestId('workflow-add-trigger').click();
    expect(await page.getByTestId('trigger-kind').inputValue()).toBe('ON_DEMAND');
    expect(await page.getByTestId('trigger-workflow').inputValue()).toBe('shop flow');
    await page.getByTestId('trigger-name').fill('shop start');
    await page.locator('[data-testid=action-crawler][value="shop crawler"]').check();
    await page.getByTestId('save-trigger').click();
    await expect
      .poll(() => page.getByTestId('workflow-triggers').innerText())
      .toMatch(/shop start\s+On demand \(ON_DEMAND\)/);
    await page.getByTestId('start-workflow').click();
    await expect
      .poll(() => page.getByTestId('workflow-run').first().getAttribute('data-state'), {
        timeout: 90_000,
      })
      .toBe('COMPLETED');
    await page.goto(`${url}/#/schedule`);
    const row = page.getByTestId('trigger-row').filter({ hasText: 'shop start' });
    expect(await row.getByTestId('trigger-type').innerText()).toMatch(/^On demand\s+ON_DEMAND$/);

    // A job run, from the job's page.
    const job: Job = {
      ...newJob('shop copy'),
      nodes: [
        {
          id: 'src',
          kind: 'catalog-source',
          name: 'orders',
          options: { database: 'shop', table: 'shop' },
        },
        {
          id: 'out',
          kind: 'target',
          name: 'orders out',
          options: {
            format: { kind: 'csv' },
            partitionKeys: [],
            destination: 'opfs',
            path: 'shop-out',
          },
        },
      ],
      edges: [{ from: 'src', to: 'out', port: 0 }],
    } as Job;
    await saveJobInPage(page, job);
    await page.reload();
    await page.goto(`${url}/#/jobs/shop%20copy`);
    await page.getByTestId('run-job').click();
    await expect
      .poll(async () => (await records<{ state: string }>(page, 'jobRuns'))[0]?.state, {
        timeout: 90_000,
      })
      .toBe('SUCCEEDED');
    const [jobRun] = await records<{ id: string }>(page, 'jobRuns');

    // The Runs page: one zone stated, one date format, every row a link to its run.
    await page.goto(`${url}/#/runs`);
    expect(await page.getByTestId('time-zone-note').first().innerText()).toBe(`Times in ${zone}.`);
    const rows = page.getByTestId('run-row');
    await expect.poll(() => rows.count()).toBe(4);
    for (const when of await page.locator('[data-testid=run-row] .when').allInnerTexts())
      expect(when.split(' · ')[0]).toMatch(DATE_TIME);
    const link = (kind: string) =>
      page.locator(`[data-testid=run-row][data-kind=${kind}]`).first().getByTestId('run-link');
    expect(await link('job').getAttribute('href')).toBe(
      `#/jobs/shop%20copy/runs/${encodeURIComponent(jobRun!.id)}`,
    );
    await link('job').click();
    await expect.poll(() => page.getByTestId('run-state').innerText()).toBe('SUCCEEDED');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(jobRun!.id);

    await page.goto(`${url}/#/runs`);
    await expect.poll(() => rows.count()).toBe(4);
    expect(await link('crawler').getAttribute('href')).toBe('#/crawl/shop%20crawler');
    await link('crawler').click();
    await expect
      .poll(() => page.getByTestId('crawl-form-title').innerText())
      .toBe('Editing crawler shop crawler');
    expect(await page.getByTestId('crawler-run').count()).toBe(2);

    await page.goto(`${url}/#/runs`);
    await expect.poll(() => rows.count()).toBe(4);
    await link('workflow').click();
    await page.getByRole('heading', { name: 'Workflow shop flow' }).waitFor();

    // The chart's time labels, at 1280 px: each at least its own width from the next.
    await page.goto(`${url}/#/runs`);
    const chart = page.getByTestId('duration-chart');
    await chart.locator('canvas').waitFor();
    await expect.poll(() => chart.getAttribute('data-x-ticks')).toBeTruthy();
    const gaps = await chart.evaluate((el) => {
      const ticks = JSON.parse(el.dataset.xTicks!) as { x: number; label: string }[];
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = el.dataset.font!;
      const w = (s: string) => ctx.measureText(s).width;
      return ticks.slice(1).map((t, i) => ({
        room: t.x - ticks[i]!.x,
        need: (w(t.label) + w(ticks[i]!.label)) / 2,
      }));
    });
    expect(gaps.length).toBeGreaterThan(0);
    for (const g of gaps) expect(g.room).toBeGreaterThan(g.need);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true);
  });

  it('Quick convert: the row estimate gives way to the exact count; a message names its domain in words', async () => {
    const { page, url } = app;
    await page.goto(`${url}/#/convert`);
    // Larger than the 256 KiB head the sniffer reads: its row count is an estimate.
    const lines = ['id,label'];
    for (let i = 0; i < 40_000; i++) lines.push(`${i},row number ${i}`);
    await page.getByTestId('file-input').setInputFiles([
      { name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') },
      { name: 'blank.csv', mimeType: 'text/csv', buffer: Buffer.from('') },
    ]);
    expect(await settled(page, 'big.csv', ['ready', 'failed'])).toBe('ready');
    const rows = card(page, 'big.csv').getByTestId('rows');
    expect(await rows.innerText()).toMatch(/^≈ /);
    await card(page, 'big.csv').getByTestId('convert').click();
    expect(await settled(page, 'big.csv', ['done', 'failed'], 120_000)).toBe('done');
    expect(await rows.innerText()).toBe('40,000');
    expect(await rows.getAttribute('data-exact')).toBe('true');

    expect(await settled(page, 'blank.csv', ['ready', 'failed'])).toBe('failed');
    const error = card(page, 'blank.csv').getByTestId('error');
    expect(await error.innerText()).toMatch(/^CSV "blank\.csv" is empty/);
    expect(await error.innerText()).not.toContain('csv:');
  });
});
