/**
 * Copies of dropped files kept in the Origin Private File System, for files that cannot keep a
 * handle across reloads (plain <input> uploads, browsers without File System Access).
 */

import { copyIntoOpfs } from './copy-in-worker';
import { KEPT_DROPS_FOLDER } from './kept-drops';
import { SCRATCH_FOLDER } from './scratch-files';

const ROOT = 'decant-files';

async function dir(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(ROOT, { create: true });
}

/**
 * Copies `file` into OPFS under a fresh name, in a worker (never whole in memory, never on the
 * page's main thread); returns that name.
 */
export async function copyToOpfs(file: File, id: string): Promise<string> {
  const name = `${id}-${file.name.replace(/[^\w.-]+/g, '_')}`;
  try {
    await copyIntoOpfs(file, ROOT, name);
  } catch (e) {
    // Without OPFS at all, dir() fails too: the error below still says why.
    await removeFromOpfs(name).catch(() => undefined);
    throw new Error(
      `storage: could not copy "${file.name}" into the browser's storage: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  return name;
}

export async function fileFromOpfs(name: string): Promise<File> {
  const handle = await (await dir()).getFileHandle(name);
  return handle.getFile();
}

export async function removeFromOpfs(name: string): Promise<void> {
  await (await dir()).removeEntry(name).catch(() => undefined);
}

export interface StorageUse {
  used: number;
  available: number;
  persisted: boolean;
}

/** What the browser says this origin uses and may use (navigator.storage.estimate). */
export async function storageUse(): Promise<StorageUse> {
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  const persisted = (await navigator.storage.persisted?.()) ?? false;
  return { used: usage, available: Math.max(0, quota - usage), persisted };
}

/**
 * Folders at the top of this origin's private file system that a crawler can read (files kept
 * in the browser by the user or by jobs); Decant's own copies (the catalog's, Quick convert's)
 * and its scratch files are not among them.
 */
export async function listOpfsFolders(): Promise<FileSystemDirectoryHandle[]> {
  const root = (await navigator.storage.getDirectory()) as FileSystemDirectoryHandle & {
    values(): AsyncIterable<FileSystemHandle>;
  };
  const out: FileSystemDirectoryHandle[] = [];
  for await (const h of root.values())
    if (
      h.kind === 'directory' &&
      h.name !== ROOT &&
      h.name !== KEPT_DROPS_FOLDER &&
      h.name !== SCRATCH_FOLDER
    )
      out.push(h as FileSystemDirectoryHandle);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Decant's own kept copies: name and bytes of each file in its OPFS folder. */
export async function listOpfsCopies(): Promise<{ name: string; size: number }[]> {
  const folder = (await dir()) as FileSystemDirectoryHandle & {
    values(): AsyncIterable<FileSystemHandle>;
  };
  const out: { name: string; size: number }[] = [];
  for await (const h of folder.values())
    if (h.kind === 'file')
      out.push({ name: h.name, size: (await (h as FileSystemFileHandle).getFile()).size });
  return out;
}
