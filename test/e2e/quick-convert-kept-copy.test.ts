// Quick convert keeps a copy of each dropped file in the browser's storage, for the next visit.
// That copy must not run on the page: piped there, a 920 MB copy held the main thread in tasks of
// up to 118 ms while the file converted beside it. The page's own Blob reads are counted (an init
// script wraps them in the page's world only; workers are untouched), and the copy is checked
// byte for byte and brought back after a reload.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/core/sql/quote';
import { card, openApp, settled, type AppPage } from './app-page';

let app: AppPage;
const tmp = mkdtempSync(join(tmpdir(), 'decant-e2e-kept-copy-'));
const csv = join(tmp, 'wide.csv');

declare global {
  interface Window {
    /** Bytes of Blobs the page's main thread asked to read (stream, arrayBuffer, text…). */
    __pageBlobBytes?: number;
  }
}

beforeAll(async () => {
  // ~100 MB: large enough that reading it on the page would be unmistakable.
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  await c.run(
    `COPY (SELECT r AS id, 'item-' || (r % 977) AS label, (r % 1000) / 10 AS amount, ` +
      `repeat('x', 60) AS pad FROM range(1200000) t(r)) TO ${quoteLiteral(csv)} (HEADER)`,
  );
  c.closeSync();
  app = await openApp();
  await app.page.addInitScript(() => {
    window.__pageBlobBytes = 0;
    const count = (blob: Blob) =>
      (window.__pageBlobBytes = (window.__pageBlobBytes ?? 0) + blob.size);
    for (const m of ['stream', 'arrayBuffer', 'text', 'bytes'] as const) {
      const read = Blob.prototype[m] as ((this: Blob) => unknown) | undefined;
      if (!read) continue;
      Object.defineProperty(Blob.prototype, m, {
        value(this: Blob) {
          count(this);
          return read.call(this);
        },
      });
    }
    for (const m of ['readAsArrayBuffer', 'readAsText', 'readAsDataURL'] as const) {
      const read = FileReader.prototype[m] as (
        this: FileReader,
        b: Blob,
        ...rest: unknown[]
      ) => void;
      Object.defineProperty(FileReader.prototype, m, {
        value(this: FileReader, b: Blob, ...rest: unknown[]) {
          count(b);
          return read.call(this, b, ...rest);
        },
      });
    }
  });
  await app.page.reload();
  await app.page
    .getByTestId('engine-status')
    .filter({ hasText: 'DuckDB' })
    .waitFor({ timeout: 60_000 });
});
afterAll(async () => {
  await app?.browser.close();
});

/** The kept copies: name, size and SHA-256 of each (hashed only once `hash` is asked). */
function keptCopies(hash = false): Promise<{ name: string; size: number; sha256?: string }[]> {
  return app.page.evaluate(async (hash) => {
    const root = await navigator.storage.getDirectory();
    const dir = (await root.getDirectoryHandle('decant-quick-convert', {
      create: true,
    })) as FileSystemDirectoryHandle & {
      entries(): AsyncIterable<[string, FileSystemFileHandle]>;
    };
    const out: { name: string; size: number; sha256?: string }[] = [];
    for await (const [name, h] of dir.entries()) {
      const f = await h.getFile();
      const sha256 = hash
        ? [...new Uint8Array(await crypto.subtle.digest('SHA-256', await f.arrayBuffer()))]
            .map((b) => b.toString(16).padStart(2, '0'))
            .join('')
        : undefined;
      out.push({ name, size: f.size, sha256 });
    }
    return out;
  }, hash);
}

/** The names of the cards Quick convert saved in IndexedDB's `settings` store. */
function keptCards(): Promise<string[]> {
  return app.page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('decant');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('settings').objectStore('settings').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            open.result.close();
            resolve(
              (all.result as { key: string; value: { name: string } }[])
                .filter((r) => r.key.startsWith('quick-convert:card:'))
                .map((r) => r.value.name),
            );
          };
        };
      }),
  );
}

describe('Quick convert: the copy kept for the next visit', () => {
  it('is made off the main thread, whole, and brings the card back after a reload', async () => {
    const { page } = app;
    const size = statSync(csv).size;
    await page.evaluate(() => (window.__pageBlobBytes = 0));
    await page.getByTestId('file-input').setInputFiles([csv]);
    expect(await settled(page, 'wide.csv', ['ready', 'failed'])).toBe('ready');
    await expect
      .poll(() => keptCopies().then((k) => k.map((c) => c.size)), { timeout: 60_000 })
      .toEqual([size]);
    // The page read nothing of the file: DuckDB's worker reads it, the copy worker copies it.
    expect(await page.evaluate(() => window.__pageBlobBytes)).toBe(0);

    const sha256 = createHash('sha256').update(readFileSync(csv)).digest('hex');
    // Its card is saved once the copy is whole; then a reload brings the card back from the copy.
    await expect.poll(keptCards, { timeout: 30_000 }).toEqual(['wide.csv']);
    await page.reload();
    expect(await settled(page, 'wide.csv', ['ready', 'failed'])).toBe('ready');
    expect(await card(page, 'wide.csv').getByTestId('kept-problem').count()).toBe(0);
    expect((await keptCopies(true)).map((c) => c.sha256)).toEqual([sha256]);
  });
});
