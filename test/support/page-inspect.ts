// What a page's origin holds, read from inside the page as the app would find it on its next
// start: the catalog, job runs and bookmarks in IndexedDB, and every file in OPFS.
import type { Page } from 'playwright-core';

export interface StoredState {
  /** Database names, sorted. */
  databases: string[];
  /** `database.table`, sorted. */
  tables: string[];
  /** Tables' partitions, counted. */
  partitions: number;
  jobRuns: { id: string; job: string; state: string; error?: string }[];
  /** `job/source` of every bookmark, sorted. */
  bookmarks: string[];
  /** Every file in OPFS as `folder/…/name size`, and every folder as `folder/…/`, sorted. */
  opfs: string[];
}

/** Reads the page origin's IndexedDB (`decant`) and walks its whole OPFS. */
export function storedState(page: Page): Promise<StoredState> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('decant');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const all = <T>(store: string) =>
      new Promise<T[]>((resolve, reject) => {
        const r = db.transaction(store).objectStore(store).getAll();
        r.onsuccess = () => resolve(r.result as T[]);
        r.onerror = () => reject(r.error);
      });
    const keys = (store: string) =>
      new Promise<IDBValidKey[]>((resolve, reject) => {
        const r = db.transaction(store).objectStore(store).getAllKeys();
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const databases = (await keys('databases')).map(String).sort();
    const tables = (await keys('tables')).map((k) => (k as string[]).join('.')).sort();
    const partitions = (await keys('partitions')).length;
    const jobRuns = (
      await all<{ id: string; job: string; state: string; error?: { message?: string } | string }>(
        'jobRuns',
      )
    ).map((r) => ({
      id: r.id,
      job: r.job,
      state: r.state,
      error: typeof r.error === 'string' ? r.error : r.error?.message,
    }));
    const bookmarks = (await keys('bookmarks')).map((k) => (k as string[]).join('/')).sort();
    db.close();

    const opfs: string[] = [];
    type Dir = FileSystemDirectoryHandle & {
      entries(): AsyncIterable<[string, FileSystemHandle]>;
    };
    const walk = async (dir: Dir, prefix: string): Promise<void> => {
      for await (const [name, h] of dir.entries()) {
        if (h.kind === 'directory') {
          opfs.push(`${prefix}${name}/`);
          await walk(h as Dir, `${prefix}${name}/`);
        } else opfs.push(`${prefix}${name} ${(await (h as FileSystemFileHandle).getFile()).size}`);
      }
    };
    await walk((await navigator.storage.getDirectory()) as Dir, '');
    return { databases, tables, partitions, jobRuns, bookmarks, opfs: opfs.sort() };
  });
}

/**
 * Resolves, inside the page, as soon as OPFS holds a file whose path matches `pattern` (checked
 * every few milliseconds), so the caller can close the page while that file is being written.
 */
export function whenOpfsHolds(page: Page, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return page.evaluate(
    async ({ source, flags, timeoutMs }) => {
      const re = new RegExp(source, flags);
      type Dir = FileSystemDirectoryHandle & {
        entries(): AsyncIterable<[string, FileSystemHandle]>;
      };
      const find = async (dir: Dir, prefix: string): Promise<string | null> => {
        for await (const [name, h] of dir.entries()) {
          const path = `${prefix}${name}`;
          if (h.kind === 'directory') {
            const hit = await find(h as Dir, `${path}/`);
            if (hit) return hit;
          } else if (re.test(path)) return path;
        }
        return null;
      };
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        const hit = await find((await navigator.storage.getDirectory()) as Dir, '');
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 2));
      }
      throw new Error(`no OPFS file matched ${re} within ${timeoutMs} ms`);
    },
    { source: pattern.source, flags: pattern.flags, timeoutMs },
  );
}
