/** A file found under something the user dropped or picked, with its path below that root. */
export interface FoundFile {
  /** '/'-separated, starting with the dropped folder's name, e.g. `sales/year=2024/part.csv`. */
  path: string;
  file: File;
  /** Present when the browser granted a File System Access handle (Chromium drops). */
  handle?: FileSystemFileHandle;
  /** The dropped or picked folder this file is under, when the browser gave its handle. */
  root?: FileSystemDirectoryHandle;
}

type EntryItem = DataTransferItem & {
  getAsFileSystemHandle?: () => Promise<FileSystemHandle | null>;
};

/** Files picked with `<input webkitdirectory>` (or plain multiple files), with their paths. */
export function filesFromInput(files: FileList | File[]): FoundFile[] {
  return Array.from(files).map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/**
 * Everything under the dropped files and folders, recursively. Uses File System Access handles
 * where Chromium gives them (they can be kept for recrawls), the older entry API otherwise.
 * Handles and entries must be requested before the first await: the drop's items are emptied
 * after the event.
 */
export async function filesFromDrop(dt: DataTransfer): Promise<FoundFile[]> {
  const items = Array.from(dt.items).filter((i) => i.kind === 'file') as EntryItem[];
  const pending = items.map((item) => ({
    handle: item.getAsFileSystemHandle?.().catch(() => null) ?? Promise.resolve(null),
    entry: item.webkitGetAsEntry?.() ?? null,
    file: item.getAsFile(),
  }));
  const out: FoundFile[] = [];
  for (const p of pending) {
    const handle = await p.handle;
    if (handle) await walkHandle(handle, handle.name, out, dirOf(handle));
    else if (p.entry) await walkEntry(p.entry, p.entry.name, out);
    else if (p.file) out.push({ path: p.file.name, file: p.file });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Every file under a folder handle (a picked folder, a folder in OPFS), with paths starting with
 * the folder's name; each keeps its handle, so tables made of them survive a reload.
 */
export async function filesFromDirectory(dir: FileSystemDirectoryHandle): Promise<FoundFile[]> {
  const out: FoundFile[] = [];
  await walkHandle(dir, dir.name, out, dir);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function dirOf(h: FileSystemHandle): FileSystemDirectoryHandle | undefined {
  return h.kind === 'directory' ? (h as FileSystemDirectoryHandle) : undefined;
}

async function walkHandle(
  h: FileSystemHandle,
  path: string,
  out: FoundFile[],
  root: FileSystemDirectoryHandle | undefined,
): Promise<void> {
  if (h.kind === 'file') {
    const fh = h as FileSystemFileHandle;
    out.push({ path, file: await fh.getFile(), handle: fh, ...(root ? { root } : {}) });
    return;
  }
  const dir = h as FileSystemDirectoryHandle & { values(): AsyncIterable<FileSystemHandle> };
  for await (const child of dir.values())
    await walkHandle(child, `${path}/${child.name}`, out, root);
}

async function walkEntry(e: FileSystemEntry, path: string, out: FoundFile[]): Promise<void> {
  if (e.isFile) {
    const file = await new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej));
    out.push({ path, file });
    return;
  }
  const reader = (e as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most ~100 entries per call: read until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
    if (batch.length === 0) break;
    for (const child of batch) await walkEntry(child, `${path}/${child.name}`, out);
  }
}
