import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The File System Access handles a run writes through (OPFS, a picked folder), over a folder on
 * disk: what the browser gives, in Node. Files are written whole on `close` (as the browser's
 * writable does), and `move` renames in place.
 */
export function diskDirectory(
  path: string,
  name = path.split('/').pop() ?? '',
): FileSystemDirectoryHandle {
  const notFound = (what: string) => new DOMException(`${what} not found`, 'NotFoundError');
  const dir = {
    kind: 'directory' as const,
    name,
    path,
    async getDirectoryHandle(child: string, o?: { create?: boolean }) {
      const p = join(path, child);
      if (o?.create) await mkdir(p, { recursive: true });
      else if (!(await stat(p).catch(() => null))?.isDirectory()) throw notFound(child);
      return diskDirectory(p, child);
    },
    async getFileHandle(child: string, o?: { create?: boolean }) {
      const p = join(path, child);
      const s = await stat(p).catch(() => null);
      if (!s) {
        if (!o?.create) throw notFound(child);
        await writeFile(p, new Uint8Array());
      }
      return diskFile(p, child);
    },
    async removeEntry(child: string) {
      await rm(join(path, child), { recursive: true });
    },
    async *entries(): AsyncIterable<[string, FileSystemHandle]> {
      for (const e of await readdir(path, { withFileTypes: true }))
        yield [
          e.name,
          e.isDirectory()
            ? diskDirectory(join(path, e.name), e.name)
            : diskFile(join(path, e.name), e.name),
        ];
    },
  };
  return dir as unknown as FileSystemDirectoryHandle;
}

function diskFile(path: string, name: string): FileSystemFileHandle {
  const file = {
    kind: 'file' as const,
    name,
    path,
    async getFile() {
      const [bytes, s] = await Promise.all([readFile(path), stat(path)]);
      return new File([bytes], name, { lastModified: s.mtimeMs });
    },
    async createWritable() {
      const parts: Blob[] = [];
      return {
        async write(b: Blob) {
          parts.push(b);
        },
        async close() {
          await writeFile(path, new Uint8Array(await new Blob(parts).arrayBuffer()));
        },
        async abort() {
          parts.length = 0;
        },
      };
    },
    async move(to: string) {
      await rename(path, join(path, '..', to));
    },
  };
  return file as unknown as FileSystemFileHandle;
}

/** Every file under `root`, as relative paths, sorted; [] when `root` is not there. */
export async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => []))
      if (e.isDirectory()) await walk(join(dir, e.name), `${rel}${e.name}/`);
      else out.push(`${rel}${e.name}`);
  };
  await walk(root, '');
  return out.sort();
}
