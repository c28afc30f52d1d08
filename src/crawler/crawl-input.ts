import type { FoundFile } from '../platform/folder-files';

/**
 * One file a crawl reads: on this computer (dropped, picked, kept in OPFS) or behind an HTTP(S)
 * or presigned S3 URL. `path` names it in the plan, in partitions and in table sources: for a
 * local file it starts with the dropped folder's name, for a URL it is the object key or the
 * URL's path.
 */
export type CrawlInput = LocalInput | RemoteInput;

export interface LocalInput {
  kind: 'local';
  path: string;
  size: number;
  lastModified: number;
  file: File;
  /** Present when the browser granted a File System Access handle (kept for recrawls). */
  handle?: FileSystemFileHandle;
  /** Present when the file is a copy Decant keeps in OPFS (see opfs.ts). */
  opfsPath?: string;
}

export interface RemoteInput {
  kind: 'remote';
  path: string;
  /** Bytes, from a listing or a ranged probe (`Content-Range`). */
  size: number;
  lastModified: number;
  /** A credential when presigned: never logged, never shown in full. */
  url: string;
  /**
   * Where it lives in S3 when it was listed with the tab's credentials: a table keeps this, not
   * the short-lived `url`, and presigns again when it is read.
   */
  s3?: { bucket: string; key: string; region: string; endpoint?: string };
}

export function localInput(f: FoundFile): LocalInput {
  return {
    kind: 'local',
    path: f.path,
    size: f.file.size,
    lastModified: f.file.lastModified,
    file: f.file,
    ...(f.handle ? { handle: f.handle } : {}),
  };
}
