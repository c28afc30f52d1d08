import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newJob, type Job } from '../../src/jobs/model';
import { openApp, type AppPage } from './app-page';
import { putOpfs, saveJobInPage } from '../support/page-storage';
import { slowJob } from '../support/e2e-jobs';

const apps: AppPage[] = [];
afterAll(async () => {
  for (const app of apps) await app.browser.close();
});

/** Every record of a store of the app's IndexedDB, read independently of the app. */
async function records<T = Record<string, unknown>>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(
    (store) =>
      new Promise<T[]>((resolve, reject) => {
        const open = indexedDB.open('decant');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction(store).objectStore(store).getAll();
          req.onsuccess = () => {
            resolve(req.result as T[]);
            db.close();
          };
          req.onerror = () => reject(req.error);
        };
      }),
    store,
  );
}

interface Firing {
  key: string;
  triggerName: string;
  scheduledFor: number;
  recordedAt: number;
  outcome: string;
  why: { kind: string; late?: boolean; count?: number; files?: { path: string }[] };
  started: { kind: string; name: string; runId: string }[];
}
interface CrawlerRun {
  id: string;
  crawler: string;
  state: string;
  startedAt: number;
  endedAt: number;
  error?: string;
}

async function saveCrawler(
  page: Page,
  url: string,
  name: string,
  folder: string,
  db: string,
  tableThreshold?: number,
) {
  await page.goto(`${url}/#/crawl`);
  await page.getByTestId('new-crawler').click();
  await page.getByTestId('crawler-name').fill(name);
  await page.getByTestId('crawl-database').fill(db);
  if (tableThreshold !== undefined)
    await page.getByLabel('Table threshold').fill(String(tableThreshold));
  const select = page.getByTestId('crawl-opfs-folder');
  await select.focus();
  await expect.poll(() => select.locator('option').allInnerTexts()).toContain(folder);
  await select.selectOption(folder);
  await page.getByTestId('crawl-found').waitFor();
  await page.getByTestId('save-crawler').click();
  await expect.poll(() => page.getByTestId('crawler-sources').innerText()).toContain(`${folder}/`);
}

/** New workflow on the Schedule page opens the new workflow's page; back to Schedule then. */
async function createWorkflow(page: Page, url: string, name: string, props?: string) {
  await page.getByTestId('new-workflow').click();
  await page.getByTestId('workflow-name').fill(name);
  if (props !== undefined) await page.getByTestId('workflow-properties').fill(props);
  await page.getByTestId('add-workflow').click();
  await page.waitForURL(`**/#/schedule/workflows/${encodeURIComponent(name)}`);
  await page.goto(`${url}/#/schedule`);
}

async function newTrigger(page: Page, name: string, kind: string) {
  await page.getByTestId('new-trigger').click();
  await page.getByTestId('trigger-name').fill(name);
  await page.getByTestId('trigger-kind').selectOption(kind);
}

async function checkAction(page: Page, crawler: string) {
  await page.locator(`[data-testid=action-crawler][value="${crawler}"]`).check();
}

const leaderOf = (page: Page) => page.getByTestId('scheduler-status').getAttribute('data-leader');

describe('The scheduler in Chromium', () => {
  it('fires a schedule once across two tabs, hands over when the leader closes, catches up after a gap', async () => {
    const app = await openApp();
    apps.push(app);
    const { page: first, url } = app;
    await putOpfs(first, 'inbox', { 'orders/part-0.csv': 'id,amount\n1,9.5\n2,3.25\n' });
    await saveCrawler(first, url, 'inbox crawler', 'inbox', 'sched');

    // A clock 60 times faster, the same in every tab: one scheduled minute is one real second.
    const anchor = Date.now();
    const hooked = `${url}/?clock=${anchor}x60#/schedule`;
    await first.goto(hooked);
    await expect.poll(() => leaderOf(first), { timeout: 20_000 }).toBe('leader');
    const second = await first.context().newPage();
    await second.goto(hooked);
    await expect.poll(() => leaderOf(second), { timeout: 20_000 }).toBe('follower');
    expect(await second.getByTestId('scheduler-status').innerText()).toMatch(
      /scheduler runs in another tab/,
    );

    // The form: an error at its character as the user types, then the next five times.
    await newTrigger(first, 'every ten', 'SCHEDULED');
    await first.getByTestId('trigger-schedule').fill('cron(0 25 * * ? *)');
    await expect
      .poll(() => first.getByTestId('schedule-error').innerText())
      .toMatch(/hour.*\(at character 8\)/s);
    await first.getByTestId('trigger-schedule').fill('*/10 * * * *');
    await expect.poll(() => first.getByTestId('next-fire-times').locator('li').count()).toBe(5);
    await first.getByTestId('trigger-missed').selectOption('run-once');
    await checkAction(first, 'inbox crawler');
    await first.getByTestId('save-trigger').click();
    await first.getByTestId('trigger-row').filter({ hasText: 'every ten' }).waitFor();

    const started = async (page: Page) =>
      (await records<Firing>(page, 'triggerFirings')).filter(
        (f) => f.triggerName === 'every ten' && f.outcome === 'started',
      );
    await expect
      .poll(async () => (await started(second)).length, { timeout: 60_000 })
      .toBeGreaterThanOrEqual(2);
    // The follower shows the leader's firings too.
    await expect
      .poll(() => second.getByTestId('firing').filter({ hasText: 'every ten' }).count())
      .toBeGreaterThanOrEqual(2);

    // The leader closes: the other tab takes over within seconds and fires the next time.
    const before = (await started(second)).length;
    await first.close();
    await expect.poll(() => leaderOf(second), { timeout: 5_000 }).toBe('leader');
    await expect
      .poll(async () => (await started(second)).length, { timeout: 30_000 })
      .toBeGreaterThan(before);

    // Exactly once: each firing started one run, and each run was started by one firing.
    await second.getByTestId('trigger-active').check(); // (still active)
    const deactivate = async (page: Page) => {
      await page
        .getByTestId('trigger-row')
        .filter({ hasText: 'every ten' })
        .getByTestId('trigger-active')
        .uncheck();
      await expect
        .poll(async () => (await records<{ activated: boolean }>(page, 'triggers'))[0]?.activated)
        .toBe(false);
    };
    await deactivate(second);
    const firings = await started(second);
    const times = firings.map((f) => f.scheduledFor);
    expect(new Set(times).size).toBe(times.length);
    const runIds = firings.flatMap((f) => f.started.map((s) => s.runId));
    await expect
      .poll(
        async () =>
          // A crawl records RUNNING when it starts; wait for every run's final record.
          (await records<CrawlerRun>(second, 'crawlerRuns')).filter(
            (r) => runIds.includes(r.id) && r.state !== 'RUNNING',
          ).length,
        { timeout: 30_000 },
      )
      .toBe(runIds.length);
    const runs = (await records<CrawlerRun>(second, 'crawlerRuns')).filter(
      (r) => r.crawler === 'inbox crawler',
    );
    expect(runs.map((r) => r.id).sort()).toEqual([...runIds].sort());
    // A crawl still going when its tab closed is recorded FAILED, saying so; the others succeed.
    for (const r of runs)
      if (r.state !== 'SUCCEEDED')
        expect(r).toMatchObject({
          state: 'FAILED',
          error: expect.stringMatching(/interrupted: the tab running it closed/),
        });
    expect(runs.filter((r) => r.state === 'SUCCEEDED').length).toBeGreaterThanOrEqual(
      runs.length - 1,
    );

    // Closed for ~35 scheduled minutes: reopening runs the newest missed time once, skips the rest.
    await second
      .getByTestId('trigger-row')
      .filter({ hasText: 'every ten' })
      .getByTestId('trigger-active')
      .check();
    await expect
      .poll(async () => (await records<{ activated: boolean }>(second, 'triggers'))[0]?.activated)
      .toBe(true);
    const context = second.context();
    await second.close();
    // Closed for ~35 scheduled minutes without waiting them out: the same 60× clock, its anchor
    // moved back so it reads 35 minutes later (fromWall = anchor + (t − anchor) × 60).
    const third = await context.newPage();
    await third.goto(`${url}/?clock=${anchor - Math.round((35 * 60_000) / 59)}x60#/schedule`);
    await expect.poll(() => leaderOf(third), { timeout: 20_000 }).toBe('leader');
    await third.getByTestId('catch-up').waitFor({ timeout: 30_000 });
    // The report fills in as the catch-up happens: what was skipped, then the late run.
    const caughtUp = () => third.getByTestId('catch-up-item').allInnerTexts();
    await expect
      .poll(
        async () => (await caughtUp()).some((t) => /every ten: missed, run late by policy/.test(t)),
        {
          timeout: 30_000,
        },
      )
      .toBe(true);
    expect(
      (await caughtUp()).some((t) =>
        /every ten: skipped [2-9] missed time\(s\) by policy run-once/.test(t),
      ),
    ).toBe(true);
    const all = (await records<Firing>(third, 'triggerFirings')).filter(
      (f) => f.triggerName === 'every ten',
    );
    const late = all.filter((f) => f.why.kind === 'schedule' && f.why.late);
    expect(late).toHaveLength(1);
    expect(all.filter((f) => f.why.kind === 'missed')).toHaveLength(1);
    await deactivate(third);
    expect(app.consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });

  it('an EVENT trigger on an OPFS folder starts a crawler, whose success starts the next (CONDITIONAL)', async () => {
    const app = await openApp();
    apps.push(app);
    const { page, url } = app;
    await putOpfs(page, 'landing', { 'day1.csv': 'id,v\n1,a\n' });
    await putOpfs(page, 'curated', { 'all.csv': 'id,v\n1,a\n' });
    await saveCrawler(page, url, 'landing crawler', 'landing', 'raw');
    await saveCrawler(page, url, 'curated crawler', 'curated', 'cur');
    await page.goto(`${url}/#/schedule`);
    await expect.poll(() => leaderOf(page), { timeout: 20_000 }).toBe('leader');

    await newTrigger(page, 'after landing', 'CONDITIONAL');
    await page.getByTestId('add-crawler-condition').click();
    await page.getByTestId('condition-name').selectOption('landing crawler');
    await page.getByTestId('condition-state').selectOption('SUCCEEDED');
    await checkAction(page, 'curated crawler');
    await page.getByTestId('save-trigger').click();
    await page.getByTestId('trigger-row').filter({ hasText: 'after landing' }).waitFor();

    await newTrigger(page, 'new files', 'EVENT');
    const folder = page.getByTestId('trigger-folder');
    await expect
      .poll(() => folder.locator('option').allInnerTexts())
      .toContain('landing/ (kept in this browser)');
    await folder.selectOption('opfs:landing');
    await page.getByTestId('trigger-poll').fill('10');
    await page.getByTestId('trigger-batch-size').fill('1');
    await checkAction(page, 'landing crawler');
    await page.getByTestId('save-trigger').click();
    await page.getByTestId('trigger-row').filter({ hasText: 'new files' }).waitFor();
    // The first listing is the baseline: files already there are not events.
    await expect
      .poll(async () => (await records(page, 'watchStates')).length, { timeout: 20_000 })
      .toBe(1);

    await putOpfs(page, 'landing', { 'day2.csv': 'id,v\n2,b\n' });
    const firingsOf = async (name: string) =>
      (await records<Firing>(page, 'triggerFirings')).filter((f) => f.triggerName === name);
    await expect
      .poll(async () => (await firingsOf('new files')).length, { timeout: 40_000 })
      .toBe(1);
    const [event] = await firingsOf('new files');
    expect(event!.why.kind).toBe('event');
    expect(event!.why.files!.map((f) => f.path)).toEqual(['day2.csv']);
    expect(event!.outcome).toBe('started');

    await expect
      .poll(async () => (await firingsOf('after landing')).length, { timeout: 60_000 })
      .toBe(1);
    const runsOf = async (name: string) =>
      (await records<CrawlerRun>(page, 'crawlerRuns')).filter((r) => r.crawler === name);
    await expect
      .poll(async () => (await runsOf('curated crawler')).map((r) => r.state), { timeout: 60_000 })
      .toEqual(['SUCCEEDED']);
    const [landing] = await runsOf('landing crawler');
    const [curated] = await runsOf('curated crawler');
    expect(landing!.id).toBe(event!.started[0]!.runId);
    expect(curated!.startedAt).toBeGreaterThanOrEqual(landing!.endedAt);
    await expect
      .poll(() =>
        page
          .getByTestId('trigger-row')
          .filter({ hasText: 'after landing' })
          .getByTestId('last-firing')
          .innerText(),
      )
      .toMatch(/ALL of crawler landing crawler SUCCEEDED/);

    // The Runs page: both runs on the timeline, filtered by state, and the chart drawn.
    await page.goto(`${url}/#/runs`);
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(2);
    await page.locator('[data-testid=filter-state][value=FAILED]').check();
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(0);
    await page.locator('[data-testid=filter-state][value=FAILED]').uncheck();
    await page.getByTestId('duration-chart').locator('canvas').waitFor();

    // Nothing silent: an EVENT trigger whose presigned listing expired says so on its row,
    // without the URL's query string (a credential).
    await page.goto(`${url}/#/schedule`);
    await newTrigger(page, 'expired list', 'EVENT');
    const listUrl =
      'http://127.0.0.1:9/bucket/?list-type=2&prefix=in%2F&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
      '&X-Amz-Credential=AKIAEXAMPLE%2F20200101%2Fus-east-1%2Fs3%2Faws4_request' +
      '&X-Amz-Date=20200101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=deadbeef';
    await page.getByTestId('trigger-list-url').fill(listUrl);
    await checkAction(page, 'landing crawler');
    await page.getByTestId('save-trigger').click();
    const row = page.getByTestId('trigger-row').filter({ hasText: 'expired list' });
    await expect
      .poll(() => row.getByTestId('trigger-problem').innerText(), { timeout: 20_000 })
      .toMatch(/^Could not fire: trigger "expired list": .*expired at 2020-01-01/);
    expect(await row.innerText()).not.toContain('X-Amz-Signature');
    expect(app.consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });

  it('a workflow runs its graph with run properties, and resumes from the node that failed', async () => {
    const app = await openApp();
    apps.push(app);
    const { page, url } = app;
    await putOpfs(page, 'wfa', { 'a.csv': 'id,v\n1,a\n' });
    await putOpfs(page, 'wfb', {
      'orders/o.csv': 'id,w\n1,b\n',
      'users/u.csv': 'name,email\nann,a@example.com\n',
    });
    await saveCrawler(page, url, 'wf first', 'wfa', 'wf');
    // Two tables where at most one may be made: it fails, and the workflow run stops there.
    await saveCrawler(page, url, 'wf second', 'wfb', 'wf', 1);

    // Opt in to notifications on failure (the browser allows them; each one shown is noted).
    await page.context().grantPermissions(['notifications'], { origin: url });
    await page.context().addInitScript(() => {
      const shown: string[] = [];
      (window as unknown as { shownNotifications: string[] }).shownNotifications = shown;
      const Real = window.Notification;
      window.Notification = class extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          shown.push(title);
        }
      } as typeof Notification;
    });
    await page.goto(`${url}/#/runs`);
    await page.reload();
    await page.getByTestId('enable-notifications').click();
    await expect.poll(() => page.getByTestId('notify-state').innerText()).toMatch(/on$/);

    await page.goto(`${url}/#/schedule`);
    await createWorkflow(page, url, 'nightly etl', '--day 2026-11-25');
    await page.getByRole('link', { name: 'nightly etl' }).waitFor();

    await newTrigger(page, 'wf start', 'ON_DEMAND');
    await page.getByTestId('trigger-workflow').selectOption('nightly etl');
    await checkAction(page, 'wf first');
    await page.getByTestId('save-trigger').click();
    await page.getByTestId('trigger-row').filter({ hasText: 'wf start' }).waitFor();
    await newTrigger(page, 'wf then', 'CONDITIONAL');
    await page.getByTestId('trigger-workflow').selectOption('nightly etl');
    await page.getByTestId('add-crawler-condition').click();
    await page.getByTestId('condition-name').selectOption('wf first');
    await checkAction(page, 'wf second');
    await page.getByTestId('save-trigger').click();
    await page.getByTestId('trigger-row').filter({ hasText: 'wf then' }).waitFor();

    await page.getByRole('link', { name: 'nightly etl' }).click();
    const nodes = page.getByTestId('workflow-node');
    await expect.poll(() => nodes.count()).toBe(4);
    await page.getByTestId('start-workflow').click();
    const runRows = page.getByTestId('workflow-run');
    await expect
      .poll(() => runRows.first().getAttribute('data-state'), { timeout: 60_000 })
      .toBe('COMPLETED');
    expect(await runRows.first().innerText()).toMatch(/crawler:wf second FAILED/);
    expect(await runRows.first().innerText()).toContain('day=2026-11-25');
    const stateOf = (name: string) =>
      nodes.filter({ hasText: `crawler ${name}` }).getAttribute('data-state');
    await expect.poll(() => stateOf('wf first')).toBe('SUCCEEDED');
    await expect.poll(() => stateOf('wf second')).toBe('FAILED');
    expect(
      await page.evaluate(
        () => (window as unknown as { shownNotifications: string[] }).shownNotifications,
      ),
    ).toEqual(['Decant: crawler wf second FAILED']);

    // Fix what failed (one table's files go), then resume: only the failed node runs again.
    await page.evaluate(async () => {
      const top = await (await navigator.storage.getDirectory()).getDirectoryHandle('wfb');
      await top.removeEntry('users', { recursive: true });
    });
    await page.goto(`${url}/#/schedule/workflows/nightly%20etl`);
    await page.getByTestId('resume-workflow-run').click();
    await expect.poll(() => runRows.count()).toBe(2);
    await expect
      .poll(() => runRows.first().getAttribute('data-state'), { timeout: 60_000 })
      .toBe('COMPLETED');
    expect(await runRows.first().innerText()).not.toMatch(/FAILED/);
    expect(await page.getByTestId('workflow-run-shown').innerText()).toMatch(
      /resuming wr-[\w-]+ from crawler:wf second/,
    );
    await expect.poll(() => stateOf('wf second')).toBe('SUCCEEDED');
    const runs = await records<CrawlerRun>(page, 'crawlerRuns');
    expect(runs.filter((r) => r.crawler === 'wf first')).toHaveLength(1);
    expect(
      runs
        .filter((r) => r.crawler === 'wf second')
        .map((r) => r.state)
        .sort(),
    ).toEqual(['FAILED', 'SUCCEEDED']);

    // Stop a run while its crawler reads 5,000 files: the crawl is cancelled, nothing after it starts.
    const many: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) many[`f${i}.csv`] = `id,v\n${i},x\n`;
    await putOpfs(page, 'slow', many);
    await saveCrawler(page, url, 'slow crawler', 'slow', 'wf');
    await page.goto(`${url}/#/schedule`);
    await createWorkflow(page, url, 'slow flow');
    await newTrigger(page, 'slow start', 'ON_DEMAND');
    await page.getByTestId('trigger-workflow').selectOption('slow flow');
    await checkAction(page, 'slow crawler');
    await page.getByTestId('save-trigger').click();
    await page.getByTestId('trigger-row').filter({ hasText: 'slow start' }).waitFor();
    await newTrigger(page, 'slow then', 'CONDITIONAL');
    await page.getByTestId('trigger-workflow').selectOption('slow flow');
    await page.getByTestId('add-crawler-condition').click();
    await page.getByTestId('condition-name').selectOption('slow crawler');
    await checkAction(page, 'wf first');
    await page.getByTestId('save-trigger').click();
    await page.getByTestId('trigger-row').filter({ hasText: 'slow then' }).waitFor();
    await page.getByRole('link', { name: 'slow flow' }).click();
    await page.getByTestId('start-workflow').click();
    await expect.poll(() => stateOf('slow crawler')).toBe('RUNNING');
    await page.getByTestId('stop-workflow-run').click();
    await expect
      .poll(() => runRows.first().getAttribute('data-state'), { timeout: 60_000 })
      .toBe('STOPPED');
    await expect.poll(() => stateOf('slow crawler')).toBe('CANCELLED');
    const after = await records<CrawlerRun>(page, 'crawlerRuns');
    expect(after.filter((r) => r.crawler === 'slow crawler').map((r) => r.state)).toEqual([
      'CANCELLED',
    ]);
    expect(after.filter((r) => r.crawler === 'wf first')).toHaveLength(1);
    expect(app.consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });

  it('a workflow chains a crawler to a job (CONDITIONAL), the job reading run properties and its action arguments as parameters', async () => {
    const app = await openApp();
    apps.push(app);
    const { page, url } = app;
    await putOpfs(page, 'jl', { 'orders.csv': 'id,amount\n1,10\n2,20\n3,30\n4,40\n' });
    await saveCrawler(page, url, 'jl crawler', 'jl', 'jw');
    const job: Job = {
      ...newJob('copy job'),
      nodes: [
        {
          id: 'src',
          kind: 'catalog-source',
          name: 'orders',
          options: { database: 'jw', table: 'jl' },
        },
        {
          id: 'keep',
          kind: 'filter',
          name: 'id over min',
          options: {
            filter: {
              combine: 'AND',
              clauses: [
                { column: 'id', op: 'GT', value: { kind: 'constant', value: '${min_id}' } },
                { column: 'id', op: 'LT', value: { kind: 'constant', value: '${max_id}' } },
              ],
            },
          },
        },
        {
          id: 'out',
          kind: 'target',
          name: 'orders out',
          options: {
            format: { kind: 'csv' },
            partitionKeys: [],
            destination: 'opfs',
            path: 'jl-out',
          },
        },
      ],
      edges: [
        { from: 'src', to: 'keep', port: 0 },
        { from: 'keep', to: 'out', port: 0 },
      ],
    } as Job;
    // Saved as the job editor saves it.
    await saveJobInPage(page, job);

    await page.goto(`${url}/#/schedule`);
    await page.reload();
    await expect.poll(() => leaderOf(page), { timeout: 30_000 }).toBe('leader');
    await createWorkflow(page, url, 'jobflow', '--min_id 1 --max_id 9');
    await page.getByRole('link', { name: 'jobflow' }).waitFor();
    await newTrigger(page, 'jl start', 'ON_DEMAND');
    await page.getByTestId('trigger-workflow').selectOption('jobflow');
    await checkAction(page, 'jl crawler');
    await page.getByTestId('save-trigger').click();
    await page.getByTestId('trigger-row').filter({ hasText: 'jl start' }).waitFor();
    await newTrigger(page, 'jl then', 'CONDITIONAL');
    await page.getByTestId('trigger-workflow').selectOption('jobflow');
    await page.getByTestId('add-crawler-condition').click();
    await page.getByTestId('condition-name').selectOption('jl crawler');
    await page.locator('[data-testid=action-job][value="copy job"]').check();
    // The action's own argument wins over the run property of the same name.
    await page.getByTestId('action-job-arguments').fill('--max_id 4');
    await page.getByTestId('action-job-arguments').blur();
    await page.getByTestId('save-trigger').click();
    await page.getByTestId('trigger-row').filter({ hasText: 'jl then' }).waitFor();

    await page.getByRole('link', { name: 'jobflow' }).click();
    await page.getByTestId('start-workflow').click();
    const runRows = page.getByTestId('workflow-run');
    await expect
      .poll(() => runRows.first().getAttribute('data-state'), { timeout: 90_000 })
      .toBe('COMPLETED');
    expect(await runRows.first().innerText()).toMatch(
      /crawler:jl crawler SUCCEEDED, job:copy job SUCCEEDED/,
    );
    const jobRuns = await records<{
      job: string;
      state: string;
      arguments: Record<string, string>;
    }>(page, 'jobRuns');
    expect(jobRuns.map((r) => [r.job, r.state, r.arguments])).toEqual([
      ['copy job', 'SUCCEEDED', { min_id: '1', max_id: '4' }],
    ]);
    const written = await page.evaluate(async () => {
      const found: string[] = [];
      const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
        const entries = (
          dir as FileSystemDirectoryHandle & {
            entries(): AsyncIterable<[string, FileSystemHandle]>;
          }
        ).entries();
        for await (const [name, h] of entries) {
          if (h.kind === 'directory')
            await walk(h as FileSystemDirectoryHandle, `${prefix}${name}/`);
          else if (`${prefix}${name}`.includes('jl-out'))
            found.push(await (await (h as FileSystemFileHandle).getFile()).text());
        }
      };
      await walk(await navigator.storage.getDirectory(), '');
      return found;
    });
    expect(written).toHaveLength(1);
    expect(written[0]!.trim().split('\n')).toEqual(['id,amount', '2,20', '3,30']);
  });

  it('a job run whose leader tab closes mid-run is marked interrupted by the tab that takes over, whose Runs page shows it and whose CONDITIONAL on FAILED fires', async () => {
    const app = await openApp();
    apps.push(app);
    const { page: first, url } = app;
    await putOpfs(first, 'il', { 'orders.csv': 'id,amount\n1,10\n2,20\n' });
    await saveCrawler(first, url, 'il crawler', 'il', 'iw');
    // Slow enough to be going when its tab closes: 30 million hashed rows into Parquet.
    const slow = slowJob(
      'slow sched',
      {
        id: 'src',
        kind: 'catalog-source',
        name: 'orders',
        options: { database: 'iw', table: 'il' },
      },
      'il-out',
    );
    await saveJobInPage(first, slow);

    // A clock 60 times faster in both tabs: one scheduled minute is one real second.
    const anchor = Date.now();
    const schedulerNow = () => anchor + (Date.now() - anchor) * 60;
    const hooked = `${url}/?clock=${anchor}x60#/schedule`;
    await first.goto(hooked);
    await first.reload();
    await expect.poll(() => leaderOf(first), { timeout: 30_000 }).toBe('leader');
    const second = await first.context().newPage();
    await second.goto(hooked);
    await expect.poll(() => leaderOf(second), { timeout: 20_000 }).toBe('follower');

    // The job's source table, by a crawl fired by hand.
    await newTrigger(first, 'il prep', 'ON_DEMAND');
    await checkAction(first, 'il crawler');
    await first.getByTestId('save-trigger').click();
    const prep = first.getByTestId('trigger-row').filter({ hasText: 'il prep' });
    await prep.getByTestId('run-now').click();
    const crawls = async () =>
      (await records<CrawlerRun>(second, 'crawlerRuns')).filter((r) => r.state === 'SUCCEEDED');
    await expect.poll(async () => (await crawls()).length, { timeout: 60_000 }).toBe(1);

    // On the job's FAILED, crawl again.
    await newTrigger(first, 'after slow fails', 'CONDITIONAL');
    await first.getByTestId('add-job-condition').click();
    await first.getByTestId('condition-name').selectOption('slow sched');
    await first.getByTestId('condition-state').selectOption('FAILED');
    await checkAction(first, 'il crawler');
    await first.getByTestId('save-trigger').click();
    await first.getByTestId('trigger-row').filter({ hasText: 'after slow fails' }).waitFor();

    // The job on a schedule, once a day, some twenty scheduled minutes (real seconds) from now:
    // time enough to fill in the form on a busy machine.
    const at = new Date(Math.ceil((schedulerNow() + 20 * 60_000) / 60_000) * 60_000);
    await newTrigger(first, 'slow daily', 'SCHEDULED');
    await first
      .getByTestId('trigger-schedule')
      .fill(`cron(${at.getUTCMinutes()} ${at.getUTCHours()} * * ? *)`);
    await first.locator('[data-testid=action-job][value="slow sched"]').check();
    await first.getByTestId('save-trigger').click();
    await first.getByTestId('trigger-row').filter({ hasText: 'slow daily' }).waitFor();

    // The follower watches the Runs page (no reload from here on).
    await second.evaluate(() => (location.hash = '#/runs'));
    const jobRuns = () =>
      records<{ id: string; job: string; state: string; error?: { message: string } }>(
        second,
        'jobRuns',
      );
    await expect
      .poll(async () => (await jobRuns()).map((r) => r.state), { timeout: 60_000 })
      .toEqual(['RUNNING']);
    const [run] = await jobRuns();
    // The leader fired it, so it runs there.
    const fired = (await records<Firing>(second, 'triggerFirings')).find(
      (f) => f.triggerName === 'slow daily',
    );
    expect(fired?.started).toEqual([{ kind: 'job', name: 'slow sched', runId: run!.id }]);

    await first.close();
    await expect.poll(() => leaderOf(second), { timeout: 5_000 }).toBe('leader');
    const row = second
      .locator('[data-testid=run-row][data-kind=job]')
      .filter({ hasText: 'slow sched' });
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('FAILED');
    expect(await row.innerText()).toContain('interrupted (the tab was closed)');
    expect((await jobRuns()).map((r) => [r.id, r.state, r.error?.message])).toEqual([
      [run!.id, 'FAILED', 'interrupted (the tab was closed)'],
    ]);

    // The condition on FAILED fired in the tab that took over, and its crawl ran.
    await expect
      .poll(
        async () =>
          (await records<Firing>(second, 'triggerFirings'))
            .filter((f) => f.triggerName === 'after slow fails')
            .map((f) => [f.outcome, f.why.kind, f.started.map((s) => s.name)]),
        { timeout: 10_000 },
      )
      .toEqual([['started', 'condition', ['il crawler']]]);
    await expect.poll(async () => (await crawls()).length, { timeout: 60_000 }).toBe(2);
  });
});
