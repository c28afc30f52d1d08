/**
 * Quick convert's copies of dropped files in the Origin Private File System, so its cards can be
 * converted again after a reload (a dropped File cannot be read once the page is gone). They
 * live in a folder of their own, apart from the catalog's copies (whose orphans the crawler
 * sweeps) and not offered as a crawler source: Quick convert removes its own copies.
 */

import { copyIntoOpfs } from './copy-in-worker';

export const KEPT_DROPS_FOLDER = 'decant-quick-convert';

async function dir(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(KEPT_DROPS_FOLDER, { create: true });
}

/**
 * Copies `file` into the folder as `name`, in a worker (never whole in memory, never on the main
 * thread: piped on the page, a 920 MB copy held it in tasks of up to 118 ms during a conversion).
 * Throws `storage:` errors (quota, no OPFS); a partial copy is removed first.
 */
export async function keepDrop(file: File, name: string): Promise<void> {
  try {
    await copyIntoOpfs(file, KEPT_DROPS_FOLDER, name);
  } catch (e) {
    await removeKeptDrop(name).catch(() => undefined);
    throw new Error(
      `storage: could not keep a copy of "${file.name}" in the browser's storage: ` +
        (e instanceof Error ? e.message : String(e)),
      { cause: e },
    );
  }
}

/** The kept copy, as the File that was dropped (its name and date); rejects when it is gone. */
export async function keptDrop(name: string, asName: string, lastModified: number): Promise<File> {
  const file = await (await (await dir()).getFileHandle(name)).getFile();
  return new File([file], asName, { lastModified });
}

/** Removes a kept copy; one that is gone already is fine. */
export async function removeKeptDrop(name: string): Promise<void> {
  await (await dir()).removeEntry(name).catch(() => undefined);
}
