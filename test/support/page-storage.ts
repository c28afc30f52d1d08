// The app's storage as a test or benchmark prepares it from outside: files in the page's OPFS,
// jobs saved into its IndexedDB the way the job editor saves them.
import type { Page } from 'playwright-core';
import type { Job } from '../../src/jobs/model';

/** Writes text files into a folder of the page's OPFS (a folder "kept in this browser"). */
export async function putOpfs(
  page: Page,
  root: string,
  files: Record<string, string>,
): Promise<void> {
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  await putOpfsBytes(
    page,
    root,
    Object.fromEntries(Object.entries(files).map(([path, text]) => [path, b64(text)])),
  );
}

/** Removes `path` (a file or a whole folder) under a folder of the page's OPFS. */
export async function removeOpfs(page: Page, root: string, path: string): Promise<void> {
  await page.evaluate(
    async ({ root, path }) => {
      const top = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
      await top.removeEntry(path, { recursive: true });
    },
    { root, path },
  );
}

/** Saves `job` as version 1, as the editor's Save does; the app sees it after a reload. */
export async function saveJobInPage(page: Page, job: Job): Promise<void> {
  await page.evaluate(async (job) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('decant');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const tx = db.transaction(['jobs', 'jobVersions'], 'readwrite');
    const at = Date.now();
    tx.objectStore('jobs').put({
      name: job.name,
      version: 1,
      savedAt: at,
      createdAt: at,
      note: '',
      job,
    });
    tx.objectStore('jobVersions').put({
      job: job.name,
      version: 1,
      savedAt: at,
      note: '',
      snapshot: job,
    });
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, job);
}

/** Writes binary files (given as base64) into a folder of the page's OPFS. */
export async function putOpfsBytes(
  page: Page,
  root: string,
  files: Record<string, string>,
): Promise<void> {
  await page.evaluate(
    async ({ root, files }) => {
      let top = await navigator.storage.getDirectory();
      top = await top.getDirectoryHandle(root, { create: true });
      for (const [path, b64] of Object.entries(files)) {
        const parts = path.split('/');
        let dir = top;
        for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create: true });
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const w = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
        await w.write(bytes);
        await w.close();
      }
    },
    { root, files },
  );
}

/** A text file of the page's OPFS, or null when it is not there. */
export async function readOpfsText(page: Page, root: string, path: string): Promise<string | null> {
  return page.evaluate(
    async ({ root, path }) => {
      try {
        let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(root);
        const parts = path.split('/');
        for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
        return await (await (await dir.getFileHandle(parts.at(-1)!)).getFile()).text();
      } catch {
        return null;
      }
    },
    { root, path },
  );
}

/** The names in the scratch folder of the page's OPFS ([] when there is none). */
export function scratchNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    let d: FileSystemDirectoryHandle;
    try {
      d = await root.getDirectoryHandle('decant-scratch');
    } catch {
      return [];
    }
    const out: string[] = [];
    for await (const k of (d as unknown as { keys(): AsyncIterable<string> }).keys()) out.push(k);
    return out.sort();
  });
}

/** Everything the origin's IndexedDB holds, as JSON. */
export function storedJson(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('decant');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const out: Record<string, unknown[]> = {};
    for (const name of Array.from(db.objectStoreNames))
      out[name] = await new Promise<unknown[]>((resolve, reject) => {
        const r = db.transaction(name).objectStore(name).getAll();
        r.onsuccess = () => resolve(r.result as unknown[]);
        r.onerror = () => reject(r.error);
      });
    db.close();
    return JSON.stringify(out);
  });
}
