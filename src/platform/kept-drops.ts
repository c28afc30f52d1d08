/**
 * Quick convert's copies of dropped files in the Origin Private File System, so its cards can be
 * converted again after a reload (a dropped File cannot be read once the page is gone). They
 * live in a folder of their own, apart from the catalog's copies (whose orphans the crawler
 * sweeps) and not offered as a crawler source: Quick convert removes its own copies.
 */

export const KEPT_DROPS_FOLDER = 'decant-quick-convert';

async function dir(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(KEPT_DROPS_FOLDER, { create: true });
}

/**
 * Streams `file` into the folder as `name` (never whole in memory). Throws `storage:` errors
 * (quota, no OPFS); a partial copy is removed first.
 */
export async function keepDrop(file: File, name: string): Promise<void> {
  try {
    const folder = await dir();
    const handle = await folder.getFileHandle(name, { create: true });
    const writable = await handle.createWritable();
    try {
      await file.stream().pipeTo(writable);
    } catch (e) {
      await folder.removeEntry(name).catch(() => undefined);
      throw e;
    }
  } catch (e) {
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
