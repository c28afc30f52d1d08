/** A file the user gave us, with its File System Access handle when the browser offers one. */
export interface DroppedFile {
  file: File;
  /** Kept in IndexedDB, this lets a catalog table read the file again after a reload. */
  handle?: FileSystemFileHandle;
}

type ItemWithHandle = DataTransferItem & {
  getAsFileSystemHandle?: () => Promise<FileSystemHandle | null>;
};

/**
 * Files of a drop, with handles where supported (Chromium). Handles must be requested while the
 * drop event is being dispatched, before the first await: the items are emptied afterwards.
 */
export async function droppedFiles(dt: DataTransfer): Promise<DroppedFile[]> {
  const items = Array.from(dt.items).filter((i) => i.kind === 'file') as ItemWithHandle[];
  const pending = items.map((item) => ({
    file: item.getAsFile(),
    handle: item.getAsFileSystemHandle?.().catch(() => null) ?? Promise.resolve(null),
  }));
  const out: DroppedFile[] = [];
  for (const p of pending) {
    const handle = await p.handle;
    if (handle && handle.kind === 'directory') continue; // folders belong to the crawler
    if (!p.file) continue;
    out.push(
      handle?.kind === 'file'
        ? { file: p.file, handle: handle as FileSystemFileHandle }
        : { file: p.file },
    );
  }
  return out;
}
