/**
 * The receiving side's checks on a package: a datapackage.json read from a zip, a folder or a
 * URL is only trusted as far as these go — each data file's path stays inside the package, and
 * its bytes are the size and SHA-256 the document says, or the error names the file.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { DecantError } from '../core/errors';
import { quotedName } from '../core/quoted-name';

/** One data file a package lists, as datapackage.json says it. */
export interface ListedFile {
  resource: string;
  path: string;
  bytes: number;
  /** 64 lower-case hex digits. */
  sha256: string;
  rows?: number;
}

const say = (message: string) => new DecantError(message, { domain: 'share' });

/**
 * The data files of a parsed datapackage.json, checked for what reading them relies on: each
 * resource's `files` (Decant's per-file list) or its `path`, relative paths that stay inside the
 * package, and `sha256:` hashes. Throws a `share:` DecantError naming the resource and field.
 */
export function listedFiles(doc: unknown): ListedFile[] {
  const resources = (doc as { resources?: unknown } | null)?.resources;
  if (!Array.isArray(resources) || resources.length === 0)
    throw say('datapackage.json lists no resources');
  return resources.flatMap((r: Record<string, unknown>, i) => {
    const name = typeof r?.name === 'string' ? r.name : `#${i + 1}`;
    const files = r?.files;
    if (!Array.isArray(files))
      throw say(`resource ${quotedName(name)} has no "files" list with sizes and hashes`);
    return files.map((f: Record<string, unknown>, j) => {
      const where = `resource ${quotedName(name)}, file ${j + 1}`;
      const path = f?.path;
      if (typeof path !== 'string' || !insidePackage(path))
        throw say(`${where}: path ${quotedName(String(path))} is not a file inside the package`);
      const hash = /^sha256:([0-9a-f]{64})$/i.exec(String(f.hash ?? ''));
      if (!hash) throw say(`${where} (${quotedName(path)}): hash is not "sha256:<64 hex digits>"`);
      if (!Number.isSafeInteger(f.bytes) || (f.bytes as number) < 0)
        throw say(`${where} (${quotedName(path)}): bytes is not a size`);
      return {
        resource: name,
        path,
        bytes: f.bytes as number,
        sha256: hash[1]!.toLowerCase(),
        ...(Number.isSafeInteger(f.rows) ? { rows: f.rows as number } : {}),
      };
    });
  });
}

/** A relative POSIX path with no `..`, `.` or empty segment, no scheme and no backslash. */
export function insidePackage(path: string): boolean {
  if (!path || path.startsWith('/') || path.includes('\\') || /^[a-z][a-z0-9+.-]*:/i.test(path))
    return false;
  return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * Reads `data` to its end and checks it is `file`: its size and SHA-256. Throws a `share:`
 * DecantError naming the file when not (a changed, truncated or swapped file).
 */
export async function verifyFile(file: ListedFile, data: AsyncIterable<Uint8Array>): Promise<void> {
  const hash = sha256.create();
  let bytes = 0;
  for await (const chunk of data) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  checkDigest(file, { bytes, sha256: bytesToHex(hash.digest()) });
}

/**
 * Checks a file's size and SHA-256, as read (in a worker, say), against what datapackage.json
 * lists. Throws a `share:` DecantError naming the file when they differ.
 */
export function checkDigest(file: ListedFile, got: { bytes: number; sha256: string }): void {
  if (got.bytes !== file.bytes)
    throw say(
      `${quotedName(file.path)} is ${got.bytes} bytes, but datapackage.json says ${file.bytes}: ` +
        'the file was changed or cut short',
    );
  if (got.sha256 !== file.sha256)
    throw say(
      `${quotedName(file.path)} does not match datapackage.json: its SHA-256 is ${got.sha256}, ` +
        `the package says ${file.sha256}; the file was changed`,
    );
}
