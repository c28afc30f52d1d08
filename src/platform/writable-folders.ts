/**
 * Folders Decant may write into: one the user picks (File System Access, Chromium only) and the
 * top of this origin's private file system (OPFS).
 */

type PickerWindow = {
  showDirectoryPicker?: (o: { mode: 'readwrite' }) => Promise<FileSystemDirectoryHandle>;
};

/** Whether this browser can write into a folder the user picks. */
export function canPickFolder(): boolean {
  return typeof (globalThis as PickerWindow).showDirectoryPicker === 'function';
}

/**
 * Asks the user for a folder to write into (call from a click). Resolves with null when the
 * user closes the picker; rejects when the browser has no picker (check canPickFolder first).
 */
export async function pickWritableFolder(): Promise<FileSystemDirectoryHandle | null> {
  const pick = (globalThis as PickerWindow).showDirectoryPicker;
  if (!pick) throw new Error('this browser cannot write into a folder you pick');
  try {
    return await pick({ mode: 'readwrite' });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return null;
    throw e;
  }
}

/** The top folder of this origin's private file system. */
export function browserStorageRoot(): Promise<FileSystemDirectoryHandle> {
  return navigator.storage.getDirectory();
}
