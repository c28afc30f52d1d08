/**
 * Writes a package into a folder the user picked (File System Access), as a job's folder target
 * does: every file under a hidden temporary name first, streamed; only when all are written are
 * they renamed, so a cancel or a failure leaves nothing that passes for a package.
 */
import { DecantError } from '../core/errors';
import type { PackageEntry } from './package-files';

type MovableFile = FileSystemFileHandle & { move?: (name: string) => Promise<void> };

interface Staged {
  dir: FileSystemDirectoryHandle;
  temp: string;
  name: string;
  path: string;
}

const say = (message: string, cause?: unknown) =>
  new DecantError(message, { domain: 'share', cause });

/**
 * Writes `entries` under `root` (folders made as paths need), then renames them into place.
 * Resolves with the paths written. On cancel (code 'cancelled') or failure every temporary file
 * is removed first; files of the same names already there are replaced only at the end.
 */
export async function writePackageToFolder(
  entries: AsyncIterable<PackageEntry>,
  root: FileSystemDirectoryHandle,
  opts: { signal?: AbortSignal; onProgress?(path: string, bytes: number): void } = {},
): Promise<string[]> {
  const tag = Math.random().toString(36).slice(2, 10);
  const staged: Staged[] = [];
  const discard = async () => {
    for (const s of staged) await s.dir.removeEntry(s.temp).catch(() => undefined);
  };
  try {
    for await (const entry of entries) {
      if (opts.signal?.aborted) throw cancelled();
      const parts = entry.path.split('/');
      const name = parts.pop()!;
      let dir = root;
      for (const p of parts) dir = await dir.getDirectoryHandle(p, { create: true });
      const temp = `.decant-tmp-${tag}-${name}`;
      const handle = await dir.getFileHandle(temp, { create: true });
      staged.push({ dir, temp, name, path: entry.path });
      await writeEntry(handle, entry, opts);
    }
    if (opts.signal?.aborted) throw cancelled();
  } catch (e) {
    await discard();
    if (e instanceof DecantError) throw e;
    throw say(`cannot write the package into folder "${root.name}": ${errorText(e)}`, e);
  }
  for (const s of staged) {
    const h = (await s.dir.getFileHandle(s.temp)) as MovableFile;
    if (typeof h.move === 'function') await h.move(s.name);
    else {
      const target = await s.dir.getFileHandle(s.name, { create: true });
      const w = await target.createWritable();
      await w.write(await h.getFile());
      await w.close();
      await s.dir.removeEntry(s.temp);
    }
  }
  return staged.map((s) => s.path);
}

async function writeEntry(
  handle: FileSystemFileHandle,
  entry: PackageEntry,
  opts: { signal?: AbortSignal; onProgress?(path: string, bytes: number): void },
): Promise<void> {
  const w = await handle.createWritable();
  try {
    let written = 0;
    const chunks = entry.data instanceof Uint8Array ? [entry.data] : entry.data;
    for await (const chunk of chunks) {
      if (opts.signal?.aborted) throw cancelled();
      await w.write(chunk as Uint8Array<ArrayBuffer>);
      written += chunk.length;
      opts.onProgress?.(entry.path, written);
    }
    await w.close();
  } catch (e) {
    await w.abort().catch(() => undefined);
    throw e;
  }
}

function cancelled(): DecantError {
  return new DecantError('writing the package was cancelled', {
    domain: 'share',
    code: 'cancelled',
  });
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
