// Issue 16 item 5: a tab closed during a crawl's commit leaves no table, a run recorded as
// interrupted, and, after the next start-up's sweep, no copy in the browser's storage.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, type AppPage } from './app-page';

let app: AppPage;

beforeAll(async () => {
  app = await openApp();
});
afterAll(async () => {
  await app?.browser.close();
});

const FILES = 600;

/** A folder of small CSV files: picked through <input>, so each is copied into OPFS on commit. */
function manyFiles(): string {
  const root = mkdtempSync(join(tmpdir(), 'decant-interrupted-'));
  const dir = join(root, 'events');
  for (let i = 0; i < FILES; i++) {
    const part = join(dir, `day=${(i % 6) + 1}`);
    mkdirSync(part, { recursive: true });
    writeFileSync(join(part, `part-${i}.csv`), `id,name\n${i},event ${i}\n`);
  }
  return dir;
}

/** What the page's storage holds: catalog tables, crawler runs, Decant's kept copies. */
function storageOf(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const r = indexedDB.open('decant');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const all = (store: string) =>
      new Promise<unknown[]>((ok, fail) => {
        const r = db.transaction(store).objectStore(store).getAll();
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
    const tables = (await all('tables')) as { database: string; name: string }[];
    const runs = (await all('crawlerRuns')) as { state: string; error?: string }[];
    db.close();
    const copies: string[] = [];
    try {
      const root = await navigator.storage.getDirectory();
      const dir = (await root.getDirectoryHandle('decant-files')) as FileSystemDirectoryHandle & {
        keys(): AsyncIterable<string>;
      };
      for await (const k of dir.keys()) copies.push(k);
    } catch {
      // No copy was ever kept.
    }
    return { tables: tables.map((t) => `${t.database}.${t.name}`), runs, copies: copies.length };
  });
}

describe('A crawl interrupted by closing the tab (Chromium)', () => {
  it('leaves no table, a run recorded FAILED "interrupted", and no copy after the next start', async () => {
    const { page } = app;
    await page.goto(`${app.url}/#/crawl`);
    await page.getByTestId('crawl-folder-input').setInputFiles(manyFiles());
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('lake');
    await page.getByTestId('run-crawl').click();
    await page.getByTestId('commit-crawl').waitFor({ timeout: 120_000 });
    await page.getByTestId('commit-crawl').click();
    // Close mid-commit: some copies made, the catalog transaction not yet run.
    const saving = page.getByRole('status').filter({ hasText: 'Saving files…' });
    await expect
      .poll(
        async () => Number(/(\d+) of/.exec(await saving.innerText().catch(() => ''))?.[1] ?? 0),
        {
          timeout: 60_000,
          interval: 20,
        },
      )
      .toBeGreaterThanOrEqual(20);
    const before = await storageOf(page);
    expect(before.runs.map((r) => r.state)).toEqual(['RUNNING']);
    expect(before.copies).toBeGreaterThan(0);
    expect(before.copies).toBeLessThan(FILES);
    const context = page.context();
    await page.close({ runBeforeUnload: false });

    // The next start: the run is failed as interrupted, the copies swept.
    const again = await context.newPage();
    await again.goto(`${app.url}/#/catalog`);
    await again
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: 60_000 });
    await expect.poll(async () => (await storageOf(again)).copies, { timeout: 20_000 }).toBe(0);
    const after = await storageOf(again);
    expect(after.tables).toEqual([]);
    expect(after.runs).toHaveLength(1);
    expect(after.runs[0]!.state).toBe('FAILED');
    expect(after.runs[0]!.error).toMatch(/^crawler: interrupted/);
    await again.goto(`${app.url}/#/crawl`);
    await expect.poll(() => again.getByTestId('crawler-run').first().innerText()).toMatch(/FAILED/);
  });

  it('shows what the kept copies are used by; a deleted table’s copies go at the next start', async () => {
    const page = await app.browser.contexts()[0]!.newPage();
    await page.goto(`${app.url}/#/crawl`);
    await page
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: 60_000 });
    const dir = mkdtempSync(join(tmpdir(), 'decant-kept-'));
    mkdirSync(join(dir, 'kept'));
    writeFileSync(join(dir, 'kept', 'a.csv'), 'id,v\n1,x\n');
    writeFileSync(join(dir, 'kept', 'b.csv'), 'id,v\n2,y\n');
    await page.getByTestId('crawl-folder-input').setInputFiles(join(dir, 'kept'));
    await page.getByTestId('crawl-found').waitFor();
    await page.getByTestId('crawl-database').fill('shelf');
    await page.getByTestId('run-crawl').click();
    await page.getByTestId('commit-crawl').click({ timeout: 60_000 });
    await page.getByTestId('crawl-committed').waitFor({ timeout: 60_000 });
    expect((await storageOf(page)).copies).toBe(2);

    await page.reload();
    await page.goto(`${app.url}/#/catalog`);
    const kept = page.getByTestId('kept-copies');
    await kept.locator('summary').click();
    await expect
      .poll(() => kept.getByTestId('kept-copy-owner').allInnerTexts())
      .toEqual(['table shelf.kept: 18 B (2 file(s))']);
    expect(await kept.getByTestId('kept-copy-orphans').count()).toBe(0);

    // Deleted (undo possible until the page goes): the copies stay until the next start.
    await page.goto(`${app.url}/#/catalog/shelf/kept`);
    await page.getByTestId('delete-table').click();
    await page.getByTestId('undo-delete').waitFor();
    expect((await storageOf(page)).copies).toBe(2);
    await page.reload();
    await page
      .getByTestId('engine-status')
      .filter({ hasText: 'DuckDB' })
      .waitFor({ timeout: 60_000 });
    await page.goto(`${app.url}/#/catalog`);
    await expect.poll(async () => (await storageOf(page)).copies, { timeout: 20_000 }).toBe(0);
  });
});
