/** The folders that a list of file paths spells, as a tree the grouping walks from the top. */
import type { ClassifiedFile } from './crawl-file';

export interface Folder {
  /** '' for the crawl root. */
  path: string;
  /** How many segments `path` has; 0 for the crawl root. */
  depth: number;
  name: string;
  /** The files directly in this folder, in the order given. */
  files: ClassifiedFile[];
  /** In the order their first file was given. */
  folders: Folder[];
}

/** The tree of `files`; give them sorted to get a sorted tree. */
export function folderTree(files: readonly ClassifiedFile[]): Folder {
  const root: Folder = { path: '', depth: 0, name: '', files: [], folders: [] };
  const byPath = new Map<string, Folder>([['', root]]);
  for (const file of files) {
    const segments = file.path.split('/');
    let folder = root;
    for (let i = 0; i < segments.length - 1; i++) {
      const path = folder.path === '' ? segments[i]! : `${folder.path}/${segments[i]}`;
      let sub = byPath.get(path);
      if (!sub) {
        sub = { path, depth: i + 1, name: segments[i]!, files: [], folders: [] };
        byPath.set(path, sub);
        folder.folders.push(sub);
      }
      folder = sub;
    }
    folder.files.push(file);
  }
  return root;
}

/** Every file below `folder`: its own files first, then each sub-folder's, depth first. */
export function filesUnder(folder: Folder): ClassifiedFile[] {
  const out: ClassifiedFile[] = [];
  const visit = (f: Folder) => {
    out.push(...f.files);
    for (const sub of f.folders) visit(sub);
  };
  visit(folder);
  return out;
}
