import { comparePaths } from './path-order';

/**
 * Glue's sample size: in each leaf folder only the first N files (by path) are read; the others
 * are assumed to be like them. Pure, so the choice is tested apart from the reading. `read` is
 * in path order whatever the listing's, so that the file a classifier reads first (and makes
 * the template for files like it) does not depend on how the folder was listed.
 */
export function sampledFolders<T extends { path: string }>(
  items: readonly T[],
  sampleSize?: number,
): { read: T[]; unread: { item: T; folder: string }[] } {
  const sorted = [...items].sort((a, b) => comparePaths(a.path, b.path));
  if (sampleSize === undefined || !(sampleSize > 0)) return { read: sorted, unread: [] };
  const n = Math.floor(sampleSize);
  const byFolder = new Map<string, T[]>();
  for (const item of sorted) {
    const folder = folderOf(item.path);
    const list = byFolder.get(folder) ?? [];
    list.push(item);
    byFolder.set(folder, list);
  }
  const read: T[] = [];
  const unread: { item: T; folder: string }[] = [];
  for (const [folder, list] of byFolder) {
    list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    read.push(...list.slice(0, n));
    for (const item of list.slice(n)) unread.push({ item, folder });
  }
  return { read, unread };
}

function folderOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}
