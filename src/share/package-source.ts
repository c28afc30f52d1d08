/**
 * Where a received package's files are: a zip (each stored entry read as a Blob slice of the
 * zip, never the whole zip in memory; a deflated entry — a zip re-made by `zip -r`, Finder or
 * Python — inflated once, when first asked for, its size checked as it grows), a picked or dropped folder, or URLs (a `datapackage.json`
 * on any HTTPS host with CORS, or a share link's presigned URLs). Paths are relative to the
 * package root, the folder holding `datapackage.json`.
 */
import type { Entry } from '@zip.js/zip.js';
import { DecantError } from '../core/errors';
import { quotedName } from '../core/quoted-name';
import {
  corsError,
  errorFromResponse,
  expiredError,
  hasExpired,
  signatureOf,
  unreachableError,
} from '../core/remote';
import { fileUrl, type PackageLink } from './share-link';

/** A file of a package: bytes at hand (zip slice, folder file) or a URL read by ranges. */
export type PackageFile =
  | { kind: 'blob'; path: string; blob: Blob; lastModified: number }
  | { kind: 'url'; path: string; url: string };

export interface PackageSource {
  kind: 'zip' | 'folder' | 'url';
  /** What the user opened: the zip's or folder's name, or the URL's host and path (no query). */
  label: string;
  /** For share links: when its presigned URLs stop working (ISO). */
  expiresAt?: string;
  /** Whether the source holds `path` (relative to the package root). */
  has(path: string): boolean;
  /**
   * The file at `path`; rejects with a `share:` DecantError naming it when there is none, or
   * when its zip entry cannot be read (encrypted, damaged, not the size it says).
   */
  file(path: string): Promise<PackageFile>;
}

const say = (message: string) => new DecantError(`share: ${message}`, { domain: 'share' });

/** How to fetch and say why a fetch failed; the page's own by default. */
export interface FetchPort {
  fetch: typeof fetch;
  /** The page's origin, for the CORS rule a host must have. */
  origin: string | null;
  now(): number;
}

export const browserFetch = (): FetchPort => ({
  fetch: (input, init) => globalThis.fetch(input, init),
  origin: typeof location === 'undefined' ? null : location.origin,
  now: () => Date.now(),
});

/**
 * A zip package: its central directory read from the end of `zip` (by slices). A stored file
 * is a slice of the zip; a deflated one is inflated when first asked for (then kept). The
 * package root is the shallowest folder holding `datapackage.json`. Throws a `share:`
 * DecantError for a file that is not a zip or a zip without datapackage.json; `file()` rejects
 * for an entry that is encrypted, compressed by another method, damaged or not its stated size.
 */
export async function zipPackageSource(zip: Blob, name: string): Promise<PackageSource> {
  let entries: Entry[];
  // zip.js (125 KB) loads with the first zip opened, not at app start.
  const { BlobReader, ZipReader } = await import('@zip.js/zip.js');
  const reader = new ZipReader(new BlobReader(zip), { useWebWorkers: false });
  try {
    entries = await reader.getEntries();
  } catch (e) {
    throw new DecantError(`share: ${quotedName(name)} is not a zip file (${errorText(e)})`, {
      domain: 'share',
      cause: e,
    });
  } finally {
    await reader.close().catch(() => undefined);
  }
  const root = packageRoot(
    entries.filter((e) => !e.directory).map((e) => e.filename),
    name,
  );
  const byPath = new Map<string, Entry>();
  for (const e of entries)
    if (!e.directory && e.filename.startsWith(root)) byPath.set(e.filename.slice(root.length), e);
  // Each entry is read once: a slice costs one 30-byte header read, a deflated one its inflating.
  const files = new Map<string, Promise<PackageFile>>();
  return {
    kind: 'zip',
    label: name,
    has: (path) => byPath.has(path),
    file(path) {
      const entry = byPath.get(path);
      if (!entry) return Promise.reject(say(`${quotedName(path)} is not in ${quotedName(name)}`));
      let f = files.get(path);
      if (!f) {
        f = entryBlob(zip, entry, name).then((blob) => ({
          kind: 'blob' as const,
          path,
          blob,
          lastModified: entry.lastModDate.getTime(),
        }));
        files.set(path, f);
      }
      return f;
    },
  };
}

/** Deflate never grows data more than ~1032 times; an entry saying it does is not one to inflate. */
const MAX_DEFLATE_RATIO = 1100;

/**
 * The bytes of an entry: for a stored one, the slice after its local header (whose name and
 * extra field lengths are read from the header itself: they may differ from the central
 * directory's); for a deflated one, those bytes inflated.
 */
async function entryBlob(zip: Blob, entry: Entry, zipName: string): Promise<Blob> {
  const where = `${quotedName(entry.filename)} in ${quotedName(zipName)}`;
  if (entry.encrypted) throw say(`${where} is encrypted; Decant reads packages as they were made`);
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)
    throw say(
      `${where} is compressed with method ${entry.compressionMethod}, which Decant does not ` +
        'read (only stored and deflated entries): unzip it and open the folder instead',
    );
  const header = new DataView(await zip.slice(entry.offset, entry.offset + 30).arrayBuffer());
  if (header.byteLength < 30 || header.getUint32(0, true) !== 0x04034b50)
    throw say(`${where}: the zip is damaged (no local header where the directory says)`);
  const start = entry.offset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
  if (start + entry.compressedSize > zip.size) throw say(`${where}: the zip is cut short`);
  const bytes = zip.slice(start, start + entry.compressedSize);
  if (entry.compressionMethod === 0) {
    if (entry.uncompressedSize !== entry.compressedSize)
      throw say(`${where}: the zip is damaged (a stored entry with two different sizes)`);
    return bytes;
  }
  return inflated(bytes, entry.uncompressedSize, where);
}

/**
 * A deflated entry's bytes inflated, refused as soon as they outgrow the size the zip states
 * (a zip bomb, or a damaged entry) and when they end short of it.
 */
async function inflated(deflated: Blob, declared: number, where: string): Promise<Blob> {
  if (declared > Math.max(deflated.size, 1) * MAX_DEFLATE_RATIO)
    throw say(
      `${where} says it inflates from ${deflated.size} to ${declared} bytes, more than deflate ` +
        'can make of so little: the zip is damaged or built to exhaust memory, so it is not opened',
    );
  const reader = deflated
    .stream()
    .pipeThrough(
      new DecompressionStream('deflate-raw') as unknown as TransformStream<Uint8Array, Uint8Array>,
    )
    .getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (e) {
      throw new DecantError(`share: ${where}: the zip is damaged (its data does not inflate)`, {
        domain: 'share',
        cause: e,
      });
    }
    if (chunk.done) break;
    size += chunk.value.length;
    if (size > declared) {
      await reader.cancel().catch(() => undefined);
      throw say(
        `${where} inflates to more than the ${declared} bytes the zip says it holds: the zip is ` +
          'damaged or built to exhaust memory, so it is not opened',
      );
    }
    parts.push(chunk.value);
  }
  if (size !== declared)
    throw say(
      `${where} inflates to ${size} bytes, but the zip says ${declared}: the zip is damaged`,
    );
  return new Blob(parts as BlobPart[]);
}

/** `prefix/` of the shallowest `datapackage.json` ('' at the top); throws when there is none. */
function packageRoot(paths: readonly string[], name: string): string {
  const found = paths
    .filter((p) => p === 'datapackage.json' || p.endsWith('/datapackage.json'))
    .sort((a, b) => a.split('/').length - b.split('/').length)[0];
  if (found === undefined)
    throw say(
      `${quotedName(name)} is not a data package: it holds no datapackage.json ` +
        '(a package is the Parquet files with their datapackage.json, as "Share…" makes it)',
    );
  return found.slice(0, -'datapackage.json'.length);
}

/** One file of a picked or dropped folder, with its path from the folder picked. */
export interface FolderFile {
  path: string;
  file: File;
}

/**
 * A folder package: the picked or dropped files (paths from the folder picked, e.g.
 * `shop/datapackage.json`). Throws a `share:` DecantError when no datapackage.json is among them.
 */
export function folderPackageSource(files: readonly FolderFile[], name: string): PackageSource {
  const byPath = new Map(files.map((f) => [f.path.replace(/^\/+/, ''), f.file]));
  const root = packageRoot([...byPath.keys()], name);
  return {
    kind: 'folder',
    label: name,
    has: (path) => byPath.has(root + path),
    async file(path) {
      const file = byPath.get(root + path);
      if (!file) throw say(`${quotedName(path)} is not in the folder ${quotedName(name)}`);
      return { kind: 'blob', path, blob: file, lastModified: file.lastModified };
    },
  };
}

/**
 * A package on a web server: `url` is its `datapackage.json` (an `https://` URL, or `http://`
 * only for this machine); its files are resolved relative to it. Throws a `share:` DecantError
 * for a URL that is not one.
 */
export function urlPackageSource(url: string): PackageSource {
  let doc: URL;
  try {
    doc = new URL(url.trim());
  } catch {
    throw say(`${quotedName(url)} is not a URL`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(doc.hostname);
  if (doc.protocol !== 'https:' && !(doc.protocol === 'http:' && local))
    throw say(`${quotedName(doc.origin)}: a package URL must be https://`);
  if (!doc.pathname.endsWith('/datapackage.json'))
    throw say('give the URL of the package’s datapackage.json (…/datapackage.json)');
  return {
    kind: 'url',
    label: `${doc.host}${doc.pathname}`,
    has: () => true,
    file: async (path) => ({
      kind: 'url',
      path,
      url: new URL(path.split('/').map(encodeURIComponent).join('/'), doc).href,
    }),
  };
}

/** A share link's package: every file by its presigned URL. */
export function linkPackageSource(link: PackageLink): PackageSource {
  const base = new URL(link.base);
  return {
    kind: 'url',
    label: `${base.host}${base.pathname}`,
    expiresAt: link.expiresAt,
    has: (path) => path in link.signatures,
    file: async (path) => ({ kind: 'url', path, url: fileUrl(link, path) }),
  };
}

/**
 * GETs `url` and says precisely why when it cannot be read: an expired presigned URL (before
 * any request), no CORS rule for this page (the rule the host must allow), an unreachable host,
 * S3's error document.
 */
export async function fetchChecked(
  url: string,
  port: FetchPort,
  init: RequestInit = {},
): Promise<Response> {
  const u = new URL(url);
  const sig = signatureOf(u);
  if (hasExpired(sig, port.now())) throw expiredError(u, sig!, port.now());
  let res: Response;
  try {
    res = await port.fetch(u.href, init);
  } catch (e) {
    if (init.signal?.aborted) throw e;
    throw await whyNoAnswer(u, port, e);
  }
  if (res.ok) return res;
  const body = await res.text().catch(() => '');
  throw errorFromResponse(u, { status: res.status, body }, sig, port.now());
}

/** A failed fetch gives no reason; a `no-cors` one succeeds when only CORS hid the answer. */
async function whyNoAnswer(url: URL, port: FetchPort, cause: unknown) {
  try {
    await port.fetch(url.href, { mode: 'no-cors' });
    return port.origin ? corsError(url, port.origin) : unreachableError(url, cause);
  } catch {
    return unreachableError(url, cause);
  }
}

/** The text of a package file (datapackage.json, README.md). */
export async function fileText(f: PackageFile, port: FetchPort): Promise<string> {
  if (f.kind === 'blob') return f.blob.text();
  return (await fetchChecked(f.url, port)).text();
}

/** The bytes of a package file as a stream, for hashing and copying. */
export async function fileStream(
  f: PackageFile,
  port: FetchPort,
  signal?: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  if (f.kind === 'blob') return f.blob.stream();
  const res = await fetchChecked(f.url, port, signal ? { signal } : {});
  if (!res.body) throw say(`${quotedName(f.path)}: the server sent no body`);
  return res.body;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
