import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_ARGS } from '../support/chromium';
import { fixturePath } from '../support/fixtures';
import { csvAt, nativeRead, parquetAt } from '../support/native-duckdb';
import { card, cellsOf, queryRows, settled } from './app-page';

// The directory global-setup.ts built the app into.
const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = process.env.DECANT_E2E_OUT ?? join(root, 'dist');
const tmp = mkdtempSync(join(tmpdir(), 'decant-offline-'));
const browsers: Browser[] = [];

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
});

async function freshPage(): Promise<{ page: Page; errors: string[] }> {
  const browser = await chromium.launch({
    executablePath: inject('chromiumPath'),
    args: CHROMIUM_ARGS,
  });
  browsers.push(browser);
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

const engineReady = (page: Page) =>
  page.getByTestId('engine-status').filter({ hasText: 'DuckDB' }).waitFor({ timeout: 90_000 });

/** Picks `file` in Quick convert, converts it with "Download when done" on; the saved path. */
async function convertAndDownload(page: Page, file: string): Promise<string> {
  const name = file.split('/').pop()!;
  expect(await settled(page, name, ['ready', 'failed'], 90_000)).toBe('ready');
  await expect
    .poll(() => page.getByRole('checkbox', { name: 'Download when done' }).isChecked())
    .toBe(true);
  const download = page.waitForEvent('download', { timeout: 120_000 });
  await card(page, name).getByTestId('convert').click();
  const saved = join(tmp, `${Date.now()}-${(await download).suggestedFilename()}`);
  await (await download).saveAs(saved);
  expect(await settled(page, name, ['done'])).toBe('done');
  return saved;
}

describe('The built app as an installable, offline app', () => {
  it('ships a manifest with icons and precompressed copies of its large assets', () => {
    const manifest = JSON.parse(readFileSync(join(dist, 'manifest.webmanifest'), 'utf8')) as {
      name: string;
      start_url: string;
      display: string;
      icons: { src: string; sizes: string; purpose?: string }[];
    };
    expect(manifest.name).toMatch(/^Decant/);
    expect(manifest.display).toBe('standalone');
    for (const icon of manifest.icons) expect(existsSync(join(dist, icon.src))).toBe(true);
    expect(manifest.icons.map((i) => i.sizes)).toEqual(
      expect.arrayContaining(['192x192', '512x512']),
    );
    expect(readFileSync(join(dist, 'index.html'), 'utf8')).toContain(
      '<link rel="manifest" href="/manifest.webmanifest">',
    );

    const assets = join(dist, 'assets');
    const large = readdirSync(assets).filter(
      (f) => /\.(wasm|js)$/.test(f) && statSync(join(assets, f)).size > 100_000,
    );
    expect(large.filter((f) => f.endsWith('.wasm')).length).toBeGreaterThanOrEqual(3);
    for (const f of large) {
      const original = readFileSync(join(assets, f));
      expect(gunzipSync(readFileSync(join(assets, `${f}.gz`))).equals(original), f).toBe(true);
      expect(brotliDecompressSync(readFileSync(join(assets, `${f}.br`))).equals(original), f).toBe(
        true,
      );
    }

    // The service worker precaches the eh engine; mvp only where eh cannot run (on first use).
    const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
    expect(sw).toMatch(/assets\/duckdb-eh-[\w-]+\.wasm/);
    expect(sw).toMatch(/assets\/engine\.worker-[\w-]+\.js/);
    expect(sw).not.toMatch(/assets\/duckdb-mvp-[\w-]+\.wasm"/);
  });

  it('queues a file dropped before the engine started, then reads and converts it', async () => {
    const { page, errors } = await freshPage();
    // Hold DuckDB's wasm back, so the drop surely comes before the engine is ready.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/\/assets\/duckdb-eh-[\w-]+\.wasm$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(inject('appUrl'));
    await page.getByTestId('file-input').setInputFiles(fixturePath('events.tsv'));
    const c = card(page, 'events.tsv');
    await c.and(page.locator('[data-state=starting]')).waitFor({ timeout: 30_000 });
    expect(await c.getByTestId('status').innerText()).toBe('Starting the engine…');
    expect(await page.getByTestId('engine-status').innerText()).toMatch(/Starting engine/);

    release();
    await engineReady(page);
    const out = await nativeRead(parquetAt(await convertAndDownload(page, 'events.tsv')));
    const src = await nativeRead(csvAt(fixturePath('events.tsv')));
    expect(out.rows).toEqual(src.rows);
    expect(errors).toEqual([]);
  });

  it('installs the service worker once the engine is idle, not beside the first file’s work', async () => {
    const { page, errors } = await freshPage();
    // The cards' states at the moment the app registers its service worker.
    await page.addInitScript(() => {
      const register = ServiceWorkerContainer.prototype.register;
      ServiceWorkerContainer.prototype.register = function (...args) {
        const cards = document.querySelectorAll('[data-testid=file-card]');
        (window as { cardsAtRegister?: (string | null)[] }).cardsAtRegister = [...cards].map((c) =>
          c.getAttribute('data-state'),
        );
        return register.apply(this, args);
      };
    });
    // A file dropped while the engine starts is read as soon as it is up: work from that moment.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/\/assets\/duckdb-eh-[\w-]+\.wasm$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(inject('appUrl'));
    await page.getByTestId('file-input').setInputFiles(fixturePath('events.tsv'));
    await card(page, 'events.tsv').and(page.locator('[data-state=starting]')).waitFor();
    release();
    await engineReady(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
      timeout: 120_000,
    });
    expect(
      await page.evaluate(() => (window as { cardsAtRegister?: unknown }).cardsAtRegister),
    ).toEqual(['ready']);
    expect(errors).toEqual([]);
  });

  it('opens, converts, crawls and queries with the network off after one visit', async () => {
    const { page, errors } = await freshPage();
    const url = inject('appUrl');
    await page.goto(url);
    await engineReady(page);
    // The service worker installs (precaching the app and the engine) once the engine started.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
      timeout: 120_000,
    });
    // A worker that claims its clients controls them while still 'activating'.
    await expect
      .poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state), {
        timeout: 60_000,
      })
      .toBe('activated');

    await page.context().setOffline(true);
    await page.reload();
    await engineReady(page);
    expect(errors).toEqual([]);
    // The network really is off: what the service worker did not cache cannot be fetched.
    const uncached = await page.evaluate(() =>
      fetch(`/favicon.svg?not-cached=${Date.now()}`).then(
        (r) => r.status,
        () => 'failed',
      ),
    );
    expect(uncached).toBe('failed');
    // The console's note of that refused fetch is the one error expected.
    expect(errors).toEqual(['Failed to load resource: net::ERR_INTERNET_DISCONNECTED']);
    errors.length = 0;

    await page.getByTestId('file-input').setInputFiles(fixturePath('quoted-multiline.csv'));
    const out = await nativeRead(parquetAt(await convertAndDownload(page, 'quoted-multiline.csv')));
    const src = await nativeRead(csvAt(fixturePath('quoted-multiline.csv')));
    expect(out.rows).toEqual(src.rows);

    await page.goto(`${url}/#/crawl`);
    await page.getByTestId('crawl-folder-input').setInputFiles(fixturePath('sales'));
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('offline');
    await page.getByTestId('run-crawl').click();
    await page.getByTestId('crawl-plan').waitFor({ timeout: 60_000 });
    await page.getByTestId('commit-crawl').click();
    await page.getByTestId('crawl-committed').waitFor();
    const got = await queryRows(
      page,
      url,
      'SELECT year, month, count(*) AS n FROM offline.sales GROUP BY ALL ORDER BY ALL',
    );
    expect(cellsOf(got)).toEqual(['2024 01 2', '2024 02 1', '2025 01 2']);

    // The job canvas is a chunk of its own, first loaded now: the service worker has it too.
    await page.goto(`${url}/#/jobs`);
    await page.getByTestId('new-job-name').fill('offline job');
    await page.getByTestId('create-job').click();
    await page.getByTestId('job-editor').locator('.svelte-flow').first().waitFor();
    expect(await page.getByTestId('view-load-error').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('offers a new version, holds it while engine work runs, and takes it on reload', async () => {
    const { page, errors } = await freshPage();
    const url = inject('appUrl');
    await page.goto(url);
    await engineReady(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
      timeout: 120_000,
    });
    expect(await page.getByTestId('update-banner').count()).toBe(0);

    // A new version on the host: the service worker script changed.
    const swPath = join(dist, 'sw.js');
    const original = readFileSync(swPath, 'utf8');
    try {
      writeFileSync(swPath, `${original}\n// the next version\n`);
      await page.evaluate(async () => {
        await (await navigator.serviceWorker.getRegistration())?.update();
      });
      const banner = page.getByTestId('update-banner');
      await banner.waitFor({ timeout: 120_000 });
      expect(await banner.innerText()).toContain('A new version of Decant is ready');

      // A long statement runs: the new version waits for it.
      await page.goto(`${url}/#/query`);
      const editor = page.getByTestId('sql-editor');
      await editor.click();
      await editor.fill('SELECT sum(hash(i)) AS h FROM range(400000000) t(i)');
      await page.getByTestId('run-sql').click();
      await page.getByRole('button', { name: 'Running…' }).waitFor();
      expect(await page.getByTestId('update-reload').isDisabled()).toBe(true);
      expect(await banner.innerText()).toContain('once the work that runs now has finished');
      await page.getByTestId('sql-meta').waitFor({ timeout: 170_000 });
      await expect.poll(() => page.getByTestId('update-reload').isDisabled()).toBe(false);

      await Promise.all([page.waitForEvent('load'), page.getByTestId('update-reload').click()]);
      await engineReady(page);
      expect(
        await page.evaluate(async () => {
          const r = await navigator.serviceWorker.getRegistration();
          return { waiting: r?.waiting ?? null, active: r?.active?.state };
        }),
      ).toEqual({ waiting: null, active: 'activated' });
      expect(await page.getByTestId('update-banner').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      writeFileSync(swPath, original);
    }
  });
});
