/**
 * The folders users pick for `folder` targets: each handle kept in the catalog's IndexedDB
 * (settings store) per job and target node, with write permission asked for again when it lapsed.
 */
import type { CatalogDb } from '../../storage/schema';
import { DecantError } from '../../core/errors';
import { quotedName } from '../../core/quoted-name';
import type { NodeId } from '../model';

type WritableDir = FileSystemDirectoryHandle & {
  queryPermission?: (d: { mode: 'readwrite' }) => Promise<PermissionState>;
  requestPermission?: (d: { mode: 'readwrite' }) => Promise<PermissionState>;
};

const folderKey = (job: string, nodeId: NodeId) => `job-folder:${JSON.stringify([job, nodeId])}`;

/** Asks the user for a folder (call from a click) and keeps its handle for the target. */
export async function pickTargetFolder(
  db: CatalogDb,
  job: string,
  nodeId: NodeId,
): Promise<string> {
  const pick = (
    globalThis as { showDirectoryPicker?: (o: { mode: 'readwrite' }) => Promise<WritableDir> }
  ).showDirectoryPicker;
  if (!pick)
    throw new DecantError(
      'job: this browser cannot write into a folder you pick; write to the browser (OPFS) or a download instead',
    );
  const handle = await pick({ mode: 'readwrite' });
  await db.put('settings', { key: folderKey(job, nodeId), value: handle });
  return handle.name;
}

export async function targetFolderName(
  db: CatalogDb,
  job: string,
  nodeId: NodeId,
): Promise<string | undefined> {
  const r = await db.get('settings', folderKey(job, nodeId));
  return (r?.value as FileSystemDirectoryHandle | undefined)?.name;
}

/**
 * The folder picked for a target, with write permission (asked for again when it lapsed: this
 * works only close to a click). Throws a `job:` DecantError saying what to do.
 */
export async function targetFolder(
  db: CatalogDb,
  job: string,
  nodeId: NodeId,
  targetName: string,
): Promise<FileSystemDirectoryHandle> {
  const r = await db.get('settings', folderKey(job, nodeId));
  const h = r?.value as WritableDir | undefined;
  if (!h)
    throw new DecantError(
      `job: target ${quotedName(targetName)} writes to a folder, but none was picked: pick one on the target`,
    );
  let state = (await h.queryPermission?.({ mode: 'readwrite' })) ?? 'granted';
  if (state !== 'granted') state = (await h.requestPermission?.({ mode: 'readwrite' })) ?? state;
  if (state !== 'granted')
    throw new DecantError(
      `job: target ${quotedName(targetName)} may not write into folder ${quotedName(h.name)}: allow it and run again`,
    );
  return h;
}
