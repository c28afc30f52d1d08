/**
 * A saved crawler's sources, listed into the files a run reads, and the way back: what a drop or
 * a pick becomes when a crawler is saved (folder handles kept, files without a handle copied into
 * OPFS), and what a table records to find each file again after a reload.
 */
import type { CrawlerSource, TableSource } from '../catalog';
import { DecantError } from '../core/errors';
import { localInput, type CrawlInput } from './crawl-input';
import { filesFromDirectory, type FoundFile } from '../platform/folder-files';
import { copyToOpfs, fileFromOpfs } from '../platform/opfs';
import { findRemoteFiles, textOfSources } from './remote-files';
import {
  S3_LOCKED,
  SignedS3Prefix,
  type S3Credentials,
  type S3PrefixSource,
} from './s3-signed-prefix';

/** A saved S3 prefix source as the signed listing takes it. */
export function s3PrefixOf(s: Extract<CrawlerSource, { kind: 's3-prefix' }>): S3PrefixSource {
  return {
    bucket: s.bucket,
    prefix: s.prefix,
    region: s.region,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
  };
}

type WithPermission = {
  queryPermission?: (d: { mode: 'read' }) => Promise<PermissionState>;
  requestPermission?: (d: { mode: 'read' }) => Promise<PermissionState>;
};

/** A source that could not be listed, and why; the run goes on without it. */
export interface SourceProblem {
  source: string;
  reason: string;
}

export function sourceLabel(s: CrawlerSource): string {
  switch (s.kind) {
    case 'directory':
      return `${s.name}/`;
    case 'file':
    case 'opfs':
    case 'url':
      return s.path;
    case 's3-list':
      return s.name;
    case 's3-prefix':
      return `s3://${s.bucket}/${s.prefix}`;
  }
}

/**
 * Asks again for read access to folder and file handles that lost it with the last session. Must
 * run inside the user's click (before any other await), or the browser refuses to ask.
 */
export async function requestAccess(sources: readonly CrawlerSource[]): Promise<void> {
  await Promise.all(
    sources.map(async (s) => {
      if (s.kind !== 'directory' && s.kind !== 'file') return;
      const h = s.handle as unknown as WithPermission;
      if ((await h.queryPermission?.({ mode: 'read' })) === 'granted') return;
      await h.requestPermission?.({ mode: 'read' }).catch(() => undefined);
    }),
  );
}

/** The AWS credentials held in the tab now, or null (locked). */
export type S3CredentialsNow = () => S3Credentials | null;

/**
 * Lists every file of the sources; sources that cannot be read are problems, not failures. S3
 * prefixes are listed with `s3Credentials` (signed in the tab); without them this throws a
 * `crawler:` DecantError saying the source is locked.
 */
export async function listSources(
  sources: readonly CrawlerSource[],
  s3Credentials: S3CredentialsNow = () => null,
): Promise<{ inputs: CrawlInput[]; problems: SourceProblem[] }> {
  const inputs: CrawlInput[] = [];
  const problems: SourceProblem[] = [];
  for (const s of sources) {
    if (s.kind === 's3-prefix') {
      const credentials = s3Credentials();
      // Locked fails the whole run: going on without the prefix would deprecate its tables.
      if (!credentials)
        throw new DecantError(`crawler: ${sourceLabel(s)} is ${S3_LOCKED}`, { domain: 'crawler' });
      try {
        inputs.push(...(await new SignedS3Prefix(credentials, s3PrefixOf(s)).inputs()).inputs);
      } catch (e) {
        problems.push({
          source: sourceLabel(s),
          reason: e instanceof Error ? e.message : String(e),
        });
      }
      continue;
    }
    if (s.kind === 'url' || s.kind === 's3-list') {
      // Listed and probed again: a listing may have new keys, a URL may have expired.
      const found = await findRemoteFiles(textOfSources([s]));
      inputs.push(...found.inputs);
      problems.push(...found.problems.map((p) => ({ source: sourceLabel(s), reason: p.message })));
      continue;
    }
    try {
      inputs.push(...(await listSource(s)));
    } catch (e) {
      problems.push({ source: sourceLabel(s), reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return { inputs, problems };
}

async function listSource(s: CrawlerSource): Promise<CrawlInput[]> {
  switch (s.kind) {
    case 'directory': {
      await needPermission(s.handle, `${s.name}/`);
      return (await filesFromDirectory(s.handle)).map(localInput);
    }
    case 'file': {
      await needPermission(s.handle, s.path);
      const file = await s.handle.getFile();
      return [{ ...localInput({ path: s.path, file, handle: s.handle }) }];
    }
    case 'opfs': {
      const file = await fileFromOpfs(s.opfsPath).catch((e: unknown) => {
        throw new DecantError(`crawler: the copy of "${s.path}" kept in this browser is gone`, {
          cause: e,
        });
      });
      return [{ ...localInput({ path: s.path, file }), opfsPath: s.opfsPath }];
    }
    case 'url':
    case 's3-list':
    case 's3-prefix':
      throw new Error(`crawler: ${sourceLabel(s)}: remote sources are listed by findRemoteFiles`);
  }
}

async function needPermission(h: FileSystemHandle, label: string): Promise<void> {
  const state = await (h as unknown as WithPermission).queryPermission?.({ mode: 'read' });
  if (state && state !== 'granted')
    throw new DecantError(
      `crawler: "${label}" needs your permission again after the reload: press Run crawler to grant it`,
    );
}

/**
 * What dropped or picked files become in a saved crawler: one folder source per dropped folder
 * whose handle the browser gave, a file source per file with a handle, and a copy in OPFS for each
 * file without one (when `keepCopies`; otherwise it cannot be crawled again, and this throws).
 */
export async function sourcesFromFound(
  found: readonly FoundFile[],
  keepCopies: boolean,
): Promise<CrawlerSource[]> {
  const out: CrawlerSource[] = [];
  const roots = new Set<FileSystemDirectoryHandle>();
  for (const f of found) {
    if (f.root) {
      if (!roots.has(f.root)) out.push({ kind: 'directory', name: f.root.name, handle: f.root });
      roots.add(f.root);
    } else if (f.handle) out.push({ kind: 'file', path: f.path, handle: f.handle });
    else if (keepCopies)
      out.push({
        kind: 'opfs',
        path: f.path,
        opfsPath: await copyToOpfs(f.file, copyId()),
        size: f.file.size,
        lastModified: f.file.lastModified,
      });
    else throw noWayBack(f.path);
  }
  return out;
}

/** Keeps a copy of `file` in the browser's storage under a fresh name made from `id`; returns the name. */
export type KeepCopy = (file: File, id: string) => Promise<string>;

/**
 * Where a table finds one of its files after a reload: its handle, a copy already kept, or a copy
 * made now through `keep` (OPFS in the app).
 */
export async function tableSourceFor(
  f: CrawlInput,
  keepCopies: boolean,
  keep: KeepCopy = copyToOpfs,
): Promise<TableSource> {
  const meta = { path: f.path, size: f.size, lastModified: f.lastModified };
  if (f.kind === 'remote' && f.s3) return { kind: 's3', ...f.s3, ...meta };
  if (f.kind === 'remote') return { kind: 'url', url: f.url, ...meta };
  if (f.handle) return { kind: 'file-handle', handle: f.handle, ...meta };
  if (f.opfsPath) return { kind: 'opfs', opfsPath: f.opfsPath, ...meta };
  if (!keepCopies) throw noWayBack(f.path);
  f.opfsPath = await keep(f.file, copyId());
  return { kind: 'opfs', opfsPath: f.opfsPath, ...meta };
}

const noWayBack = (path: string) =>
  new DecantError(
    `crawler: "${path}" cannot be found again after a reload; keep copies in this browser, or drop the folder (Chromium keeps a link to it)`,
  );

let copies = 0;
function copyId(): string {
  return `${Date.now().toString(36)}-${++copies}`;
}
