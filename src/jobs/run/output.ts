/**
 * Writes a job run's files where its targets say: a download (one file, or a zip of the
 * partition folders), a folder the user picked (its handle kept in IndexedDB), or a folder in
 * this browser's private file system (OPFS). Files are written under hidden temporary names
 * and renamed only once all of them are written, so a failed, cancelled or interrupted run
 * leaves nothing that looks like complete output.
 */
import { downloadZip, makeZip } from 'client-zip';
import type { TableSource } from '../../catalog';
import type { CatalogDb } from '../../storage/schema';
import { DecantError } from '../../core/errors';
import { partFilePrefix } from '../output-files';
import { downloadBlob } from '../../platform/download';
import { createScratchFile, downloadScratchFile } from '../../platform/scratch-files';
import { downloadStream } from '../../platform/stream-download';
import type { OutputPlaces, S3Output, StagedFile, StreamedFile } from './ports';
import { targetFolder } from './target-folders';

export type { StagedFile, StreamedFile } from './ports';

/** A written file; `handle` is absent for downloads and uploads (which give their `source`). */
export interface PublishedFile {
  path: string;
  handle?: FileSystemFileHandle;
  /** What the catalog reads it as, when not a handle (an uploaded S3 object). */
  source?: TableSource;
}

/** Files staged into temporary names in a folder, to be moved into place (or removed). */
export interface StagedFolder {
  /** How the run page names it: `opfs:sales-out/`, `folder:exports/sales-out/`. */
  label: string;
  /** Renames every temporary file to its name; the output is then complete. */
  commit(): Promise<PublishedFile[]>;
  /** Removes the temporary files; nothing is left. */
  discard(): Promise<void>;
}

type MovableFile = FileSystemFileHandle & { move?: (name: string) => Promise<void> };

const tempName = (runId: string, name: string) => `.decant-tmp-${runId}-${name}`;

/**
 * Creates the folders of `path` under `folder` in `root` and an empty file there under a
 * hidden temporary name (`key` makes it unique within the run), for the encoder to write into
 * as it encodes. stageFiles takes it over (StagedFile.streamedAs); until then, removing it is
 * the caller's (removeStreamedFile), and removeStagedFiles finds it after a closed tab.
 */
export async function openStreamedFile(
  root: FileSystemDirectoryHandle,
  folder: string,
  path: string,
  runId: string,
  key: string,
): Promise<StreamedFile> {
  const parts = [folder, ...path.split('/')].filter((p) => p !== '');
  parts.pop();
  let dir = root;
  for (const p of parts) dir = await dir.getDirectoryHandle(p, { create: true });
  const temp = tempName(runId, key);
  const handle = await dir.getFileHandle(temp, { create: true });
  return { dir, temp, handle };
}

/** A file written by `write` as it is produced, then moved to its name; see writeStreamed. */
export interface StreamedOutput<T> {
  result: T;
  /** The file under its final name, read from disk on demand. */
  file: File;
  handle: FileSystemFileHandle;
  /** Its name in the folder (the first free one). */
  name: string;
}

/**
 * Writes one file into `folder` under `root` through `write` (which hands the temporary file's
 * handle to the encoder), then moves it to `base + ext` (or `base-2 + ext`…, the first name
 * free). A failure or a cancel removes the temporary file: nothing is left behind.
 */
export async function writeStreamed<T>(
  root: FileSystemDirectoryHandle,
  folder: string,
  base: string,
  ext: string,
  write: (handle: FileSystemFileHandle) => Promise<T>,
): Promise<StreamedOutput<T>> {
  const id = `w-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const name = await freeFileName(root, folder, base, ext);
  const streamed = await openStreamedFile(root, folder, name, id, name);
  let result: T;
  try {
    result = await write(streamed.handle);
  } catch (e) {
    await removeStreamedFile(streamed);
    throw e;
  }
  const staged = await stageFiles(
    root,
    folder,
    [{ path: name, blob: new Blob([]), streamedAs: streamed }],
    id,
    name,
  );
  let handle: FileSystemFileHandle | undefined;
  try {
    handle = (await staged.commit())[0]?.handle;
  } catch (e) {
    await staged.discard().catch(() => undefined);
    throw e;
  }
  if (!handle) throw new DecantError(`job: "${name}" was not written`);
  return { result, file: await handle.getFile(), handle, name };
}

/** `base + ext`, or `base-2 + ext`…: the first name not taken in `folder` under `root`. */
export async function freeFileName(
  root: FileSystemDirectoryHandle,
  folder: string,
  base: string,
  ext: string,
): Promise<string> {
  let dir: FileSystemDirectoryHandle;
  try {
    dir = folder === '' ? root : await root.getDirectoryHandle(folder);
  } catch {
    return `${base}${ext}`; // The folder is not there yet: every name is free.
  }
  for (let i = 1; ; i++) {
    const name = i === 1 ? `${base}${ext}` : `${base}-${i}${ext}`;
    const taken = await dir.getFileHandle(name).then(
      () => true,
      () =>
        dir.getDirectoryHandle(name).then(
          () => true,
          () => false,
        ),
    );
    if (!taken) return name;
  }
}

/** Removes a streamed file that will not be published (a failure, a cancel, no rows). */
export async function removeStreamedFile(f: StreamedFile): Promise<void> {
  await removeWhenReleased(f.dir, f.temp).catch(() => undefined);
}

/**
 * Writes `files` under `folder` in `root` with temporary names (hidden: crawlers skip them);
 * files the encoder already wrote there (`streamedAs`) are taken over as they are. Nothing is
 * visible under the final names until `commit`. Throws a `job:` DecantError naming
 * the file that could not be written, after removing what it wrote.
 */
export async function stageFiles(
  root: FileSystemDirectoryHandle,
  folder: string,
  files: readonly StagedFile[],
  runId: string,
  label: string,
): Promise<StagedFolder> {
  const written: { dir: FileSystemDirectoryHandle; name: string; temp: string; path: string }[] =
    [];
  const discard = async () => {
    for (const w of written) await w.dir.removeEntry(w.temp).catch(() => undefined);
  };
  try {
    for (const f of files) {
      const parts = [folder, ...f.path.split('/')].filter((p) => p !== '');
      const name = parts.pop()!;
      let dir = root;
      for (const p of parts) dir = await dir.getDirectoryHandle(p, { create: true });
      if (f.streamedAs) {
        written.push({ dir: f.streamedAs.dir, name, temp: f.streamedAs.temp, path: f.path });
        continue;
      }
      const temp = tempName(runId, name);
      const handle = await dir.getFileHandle(temp, { create: true });
      written.push({ dir, name, temp, path: f.path });
      const w = await handle.createWritable();
      try {
        await w.write(f.blob);
        await w.close();
      } catch (e) {
        await w.abort().catch(() => undefined);
        throw e;
      }
    }
  } catch (e) {
    await discard();
    throw new DecantError(
      `job: cannot write the output into ${label}: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  return {
    label,
    discard,
    async commit() {
      const out: PublishedFile[] = [];
      for (const w of written) {
        const h = (await w.dir.getFileHandle(w.temp)) as MovableFile;
        if (typeof h.move === 'function') await h.move(w.name);
        else {
          // No rename here: copy under the final name (written whole on close), then remove.
          const target = await w.dir.getFileHandle(w.name, { create: true });
          const wr = await target.createWritable();
          await wr.write(await h.getFile());
          await wr.close();
          await w.dir.removeEntry(w.temp);
        }
        out.push({ path: w.path, handle: await w.dir.getFileHandle(w.name) });
      }
      return out;
    },
  };
}

/**
 * Removes what run `runId` staged under `folder` and never renamed (its tab closed while it
 * wrote), and with `published`, also the files it had already renamed to their final names
 * (`part-<runId>-…`: its tab closed midway through the renames, so the folder holds part of an
 * output that would pass for a whole one). Folders it leaves empty go too. A folder that is
 * not there is fine. Resolves with the number of files removed.
 */
export async function removeStagedFiles(
  root: FileSystemDirectoryHandle,
  folder: string,
  runId: string,
  opts: { published?: boolean } = {},
): Promise<number> {
  const prefixes = [tempName(runId, ''), ...(opts.published ? [partFilePrefix(runId)] : [])];
  let removed = 0;
  type Listable = FileSystemDirectoryHandle & {
    entries(): AsyncIterable<[string, FileSystemHandle]>;
  };
  const list = async (dir: FileSystemDirectoryHandle) => {
    const names: [string, FileSystemHandle][] = [];
    for await (const e of (dir as Listable).entries()) names.push(e);
    return names;
  };
  const walk = async (dir: FileSystemDirectoryHandle): Promise<void> => {
    for (const [name, h] of await list(dir)) {
      if (h.kind === 'directory') {
        const before = removed;
        await walk(h as FileSystemDirectoryHandle);
        // A partition folder only this run's files were in.
        if (removed > before && (await list(h as FileSystemDirectoryHandle)).length === 0)
          await dir.removeEntry(name).catch(() => undefined);
      } else if (prefixes.some((p) => name.startsWith(p))) {
        await removeWhenReleased(dir, name);
        removed++;
      }
    }
  };
  let top: FileSystemDirectoryHandle;
  try {
    top = await root.getDirectoryHandle(folder);
  } catch {
    return 0;
  }
  await walk(top);
  // The target's folder too, when the run was all it held.
  if (removed > 0 && (await list(top)).length === 0)
    await root.removeEntry(folder).catch(() => undefined);
  return removed;
}

/**
 * Removes `name` from `dir`. A file the closed tab was still writing (its `.crswap` swap file
 * included) stays locked until the browser lets the writer go, moments later, and may vanish then:
 * try again for a few seconds, and take "not found" as done.
 */
async function removeWhenReleased(dir: FileSystemDirectoryHandle, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dir.removeEntry(name);
    } catch (e) {
      if (e instanceof DOMException && e.name === 'NotFoundError') return;
      if (attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** The top folder of this origin's private file system, where OPFS targets write. */
export function opfsRoot(): Promise<FileSystemDirectoryHandle> {
  return navigator.storage.getDirectory();
}

/**
 * The browser's places for outputs: OPFS, folders picked (handles kept in `db`), downloads, and
 * with `s3` (the app's uploader, signing with the tab's credentials) Amazon S3.
 */
export function browserOutputPlaces(db: CatalogDb, s3?: S3Output): OutputPlaces {
  return {
    opfsRoot,
    pickedFolder: (job, nodeId, targetName) => targetFolder(db, job, nodeId, targetName),
    download: downloadFiles,
    scratchFile: createScratchFile,
    ...(s3 ? { s3 } : {}),
  };
}

/**
 * What a download of the run's files saves: one file as itself, several (a partitioned
 * target) as `<name>.zip` holding the partition folders.
 */
export async function downloadOf(
  name: string,
  files: readonly StagedFile[],
): Promise<{ name: string; blob: Blob }> {
  if (files.length === 1 && !files[0]!.path.includes('/')) {
    const ext = files[0]!.path.slice(files[0]!.path.indexOf('.'));
    return { name: name.endsWith(ext) ? name : `${name}${ext}`, blob: files[0]!.blob };
  }
  const zip = await downloadZip(zipEntriesOf(name, files)).blob();
  return { name: `${name}.zip`, blob: zip };
}

/**
 * Saves the run's files through the browser's download, named as downloadOf says; a zip is
 * streamed into a scratch file of the browser's storage and downloaded from there, never whole
 * in memory. Resolves with the name.
 */
async function downloadFiles(name: string, files: readonly StagedFile[]): Promise<string> {
  if (files.length === 1 && !files[0]!.path.includes('/')) {
    const d = await downloadOf(name, files);
    const s = files[0]!.streamedAs;
    if (s)
      await downloadScratchFile(
        { dir: s.dir, handle: s.handle, name: s.temp, remove: () => removeStreamedFile(s) },
        d.name,
      );
    else downloadBlob(d.blob, d.name);
    return d.name;
  }
  const saved = `${name}.zip`;
  try {
    await downloadStream(makeZip(zipEntriesOf(name, files)), saved);
  } finally {
    // Zipped (or failed): the files it was made of go.
    for (const f of files) if (f.streamedAs) await removeStreamedFile(f.streamedAs);
  }
  return saved;
}

function zipEntriesOf(name: string, files: readonly StagedFile[]) {
  return files.map((f) => ({ name: `${name}/${f.path}`, input: f.blob, lastModified: new Date() }));
}
