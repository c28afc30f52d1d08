import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const notFound = (what: string) => new DOMException(`${what} not found`, 'NotFoundError');
/** As the browser: one name per level, never a path. */
const checkName = (name: string) => {
  if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name))
    throw new TypeError(`Name is not allowed: ${JSON.stringify(name)}`);
};

/**
 * The File System Access handles a run writes through (OPFS, a picked folder), over a folder on
 * disk: what the browser gives, in Node. Files are written whole on `close` (as the browser's
 * writable does) and `move` renames in place. Classes, so a handle stored in IndexedDB clones
 * (as the browser's do) to its fields.
 */
class DiskDirectory {
  readonly kind = 'directory';
  constructor(
    readonly path: string,
    readonly name: string,
  ) {}

  async getDirectoryHandle(child: string, o?: { create?: boolean }) {
    checkName(child);
    const p = join(this.path, child);
    if (o?.create) await mkdir(p, { recursive: true });
    else if (!(await stat(p).catch(() => null))?.isDirectory()) throw notFound(child);
    return new DiskDirectory(p, child);
  }

  async getFileHandle(child: string, o?: { create?: boolean }) {
    checkName(child);
    const p = join(this.path, child);
    if (!(await stat(p).catch(() => null))) {
      if (!o?.create) throw notFound(child);
      await writeFile(p, new Uint8Array());
    }
    return new DiskFile(p, child);
  }

  async removeEntry(child: string) {
    await rm(join(this.path, child), { recursive: true });
  }

  async *entries(): AsyncIterable<[string, DiskDirectory | DiskFile]> {
    for (const e of await readdir(this.path, { withFileTypes: true })) {
      const p = join(this.path, e.name);
      yield [e.name, e.isDirectory() ? new DiskDirectory(p, e.name) : new DiskFile(p, e.name)];
    }
  }
}

class DiskFile {
  readonly kind = 'file';
  constructor(
    readonly path: string,
    readonly name: string,
  ) {}

  async getFile() {
    const [bytes, s] = await Promise.all([readFile(this.path), stat(this.path)]);
    return new File([bytes], this.name, { lastModified: s.mtimeMs });
  }

  async createWritable() {
    const parts: Blob[] = [];
    const path = this.path;
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
  }

  async move(to: string) {
    await rename(this.path, join(this.path, '..', to));
  }
}

/** A directory handle over the folder `path` on disk. */
export function diskDirectory(
  path: string,
  name = path.split('/').pop() ?? '',
): FileSystemDirectoryHandle {
  return new DiskDirectory(path, name) as unknown as FileSystemDirectoryHandle;
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
