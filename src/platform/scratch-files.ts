/**
 * Scratch files in the browser's private file system (OPFS), for output that must not sit whole
 * in the page's memory: a zip being downloaded, an export waiting to be uploaded, a share's
 * Parquet waiting to be packaged. Each name carries its tab's id, and each tab holds a Web Lock
 * under that id while it lives: sweepScratchFiles removes only files whose tab is gone.
 */

/** The OPFS folder scratch files live in (not a folder a crawler offers). */
export const SCRATCH_FOLDER = 'decant-scratch';

const PREFIX = '.decant-scratch-';
const LOCK_PREFIX = 'decant-scratch-owner:';

/** A scratch file: written through `handle`, removed by `remove` (safe to call twice). */
export interface ScratchFile {
  /** The scratch folder it is in, under `name`. */
  dir: FileSystemDirectoryHandle;
  handle: FileSystemFileHandle;
  name: string;
  remove(): Promise<void>;
}

let owner: string | null = null;

/** This tab's id in scratch names; the first call takes the Web Lock that says the tab lives. */
function ownerId(): string {
  if (owner) return owner;
  owner = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  // Held until the tab goes: never resolved.
  void navigator.locks
    ?.request(`${LOCK_PREFIX}${owner}`, () => new Promise<void>(() => {}))
    .catch(() => undefined);
  return owner;
}

/** The scratch folder, or null when this browser has no OPFS (private windows of some). */
export async function scratchFolder(): Promise<FileSystemDirectoryHandle | null> {
  try {
    const root = await navigator.storage.getDirectory();
    return await root.getDirectoryHandle(SCRATCH_FOLDER, { create: true });
  } catch {
    return null;
  }
}

/** A fresh scratch name prefix of this tab: `<prefix><anything>` is swept once the tab is gone. */
export function scratchPrefix(): string {
  const tag = Math.random().toString(36).slice(2, 10);
  return `${PREFIX}${ownerId()}-${tag}-`;
}

/** An empty scratch file whose name ends in `label`; null without OPFS. */
export async function createScratchFile(label: string): Promise<ScratchFile | null> {
  const dir = await scratchFolder();
  if (!dir) return null;
  const name = `${scratchPrefix()}${label.replace(/[^\w.-]+/g, '_').slice(0, 80)}`;
  let handle: FileSystemFileHandle;
  try {
    handle = await dir.getFileHandle(name, { create: true });
  } catch {
    return null;
  }
  return { dir, handle, name, remove: () => dir.removeEntry(name).catch(() => undefined) };
}

/**
 * Removes scratch files whose tab is gone (a closed tab, a crash): every file of the folder but
 * those named for a tab that still holds its lock. A file still open for writing refuses, and
 * stays. Resolves with the number removed; 0 without OPFS or Web Locks.
 */
export async function sweepScratchFiles(): Promise<number> {
  if (!navigator.locks?.query) return 0;
  const dir = (await scratchFolder()) as
    (FileSystemDirectoryHandle & { keys(): AsyncIterable<string> }) | null;
  if (!dir) return 0;
  const held = new Set(
    ((await navigator.locks.query()).held ?? [])
      .map((l) => l.name ?? '')
      .filter((n) => n.startsWith(LOCK_PREFIX))
      .map((n) => n.slice(LOCK_PREFIX.length)),
  );
  const names: string[] = [];
  for await (const name of dir.keys()) names.push(name);
  let removed = 0;
  for (const name of names) {
    const id = name.startsWith(PREFIX) ? name.slice(PREFIX.length).split('-')[0] : undefined;
    if (id !== undefined && held.has(id)) continue;
    try {
      await dir.removeEntry(name, { recursive: true });
      removed++;
    } catch {
      // In use (a writer still has it): the next sweep takes it.
    }
  }
  return removed;
}

/**
 * How long a downloaded scratch file is kept after its download starts. The page cannot see a
 * download end, and a private window's download reads its file as it goes (removing it
 * cancels the download): long enough for a local copy of this size, with a wide margin. A tab
 * closed earlier leaves it to the next start's sweep.
 */
export function downloadGraceMs(bytes: number): number {
  return 30_000 + Math.ceil(bytes / (10 * 1024 * 1024)) * 1000;
}

/**
 * Saves `file` (written and closed) through the browser's download, read from disk, never from
 * memory; the object URL is revoked and the file removed after downloadGraceMs.
 */
export async function downloadScratchFile(file: ScratchFile, name: string): Promise<void> {
  const data = await file.handle.getFile();
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
    void file.remove();
  }, downloadGraceMs(data.size));
}
