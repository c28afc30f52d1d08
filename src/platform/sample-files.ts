/**
 * Files written into a named folder at the top of the Origin Private File System, where the
 * Crawlers page lists them under "a folder kept in this browser" (listOpfsFolders).
 */

/**
 * Writes `files` (paths relative to `folder`, '/'-separated, already checked) into OPFS under
 * `folder`, replacing what is there. Throws a `storage:` Error naming the file that failed.
 */
export async function writeOpfsFolder(
  folder: string,
  files: { path: string; data: Blob }[],
): Promise<void> {
  const root = await navigator.storage.getDirectory();
  // A fresh copy: a file an older manifest listed must not be crawled with the new ones.
  await root.removeEntry(folder, { recursive: true }).catch(() => undefined);
  const top = await root.getDirectoryHandle(folder, { create: true });
  for (const f of files) {
    const parts = f.path.split('/');
    const name = parts.pop()!;
    let dir = top;
    for (const p of parts) dir = await dir.getDirectoryHandle(p, { create: true });
    try {
      const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
      await f.data.stream().pipeTo(writable);
    } catch (e) {
      throw new Error(
        `storage: could not write "${folder}/${f.path}" into the browser's storage: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
}
