/**
 * What EVENT triggers watch, listed: a folder (picked, or kept in this browser's OPFS) walked
 * through its handle, or a presigned ListObjectsV2 URL fetched and read. A source that cannot be
 * listed throws a DecantError saying why (permission needed again, URL expired, S3's answer),
 * which the scheduler shows on the trigger. A presigned URL never appears whole in a message.
 */
import { DecantError } from '../core/errors';
import {
  errorFromResponse,
  expiredError,
  hasExpired,
  ListError,
  listingPages,
  ListingTooLong,
  redactUrl,
  signatureOf,
} from '../core/remote';
import type { EventSources, EventTrigger, ListedFile } from '.';
import type { SchedulerStore, WatchedSourceRecord } from './store';

type WithPermission = { queryPermission?: (d: { mode: 'read' }) => Promise<PermissionState> };
type Walkable = FileSystemDirectoryHandle & { values(): AsyncIterable<FileSystemHandle> };

/** Listed pages of one ListObjectsV2 URL at most (a presigned URL covers its first page only). */
const MAX_PAGES = 100;

export interface SourceOptions {
  fetch?: typeof fetch;
  /** Wall-clock now, for URL expiry; default Date.now. */
  now?: () => number;
}

export function eventSources(store: SchedulerStore, opts: SourceOptions = {}): EventSources {
  return {
    list: async (trigger) => {
      const source = await store.getSource(trigger.source.sourceId);
      if (!source)
        throw new DecantError(
          `trigger "${trigger.name}": the watched source "${trigger.source.label}" is no longer saved: choose it again`,
        );
      return listWatched(trigger, source, opts);
    },
    load: (id) => store.loadWatch(id),
    save: (id, state) => store.saveWatch(id, state),
  };
}

/** Every file under the watched source, with paths relative to it (and to the trigger's prefix). */
export async function listWatched(
  trigger: EventTrigger,
  source: WatchedSourceRecord,
  opts: SourceOptions = {},
): Promise<ListedFile[]> {
  if (source.kind === 'watched-folder') {
    const permission = await (source.handle as unknown as WithPermission).queryPermission?.({
      mode: 'read',
    });
    if (permission && permission !== 'granted')
      throw new DecantError(
        `trigger "${trigger.name}": folder "${source.label}" needs your permission again: press Grant access on the Schedule page`,
      );
    const prefix = trigger.source.kind === 'folder' ? (trigger.source.prefix ?? '') : '';
    const files: ListedFile[] = [];
    try {
      await walk(source.handle as Walkable, '', files);
    } catch (e) {
      throw new DecantError(
        `trigger "${trigger.name}": cannot list folder "${source.label}": ${(e as Error).message}`,
        { cause: e },
      );
    }
    return files.filter((f) => f.path.startsWith(prefix));
  }
  return listObjects(trigger.name, source.url, opts);
}

async function walk(dir: Walkable, path: string, out: ListedFile[]): Promise<void> {
  for await (const child of dir.values()) {
    const childPath = path === '' ? child.name : `${path}/${child.name}`;
    if (child.kind === 'directory') await walk(child as Walkable, childPath, out);
    else {
      const file = await (child as FileSystemFileHandle).getFile();
      out.push({ path: childPath, size: file.size, lastModified: file.lastModified });
    }
  }
}

/**
 * Lists a ListObjectsV2 URL: keys relative to its prefix, sizes and times as S3 gives them;
 * folder markers are left out. An unsigned listing follows its continuation tokens; a presigned
 * one is read to the first page (its signature covers that exact query).
 */
export async function listObjects(
  triggerName: string,
  href: string,
  opts: SourceOptions = {},
): Promise<ListedFile[]> {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const now = (opts.now ?? Date.now)();
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new DecantError(`trigger "${triggerName}": the watched listing URL is not a URL`);
  }
  const say = (what: string) => `trigger "${triggerName}": ${redactUrl(url)}: ${what}`;
  const signature = signatureOf(url);
  if (hasExpired(signature, now))
    throw new DecantError(
      `trigger "${triggerName}": ${expiredError(url, signature!, now).message} — presign the listing again and save it on the trigger`,
    );
  const prefix = url.searchParams.get('prefix') ?? '';
  const files: ListedFile[] = [];
  const fetchPage = async (page: URL): Promise<string> => {
    let res: Response;
    try {
      res = await doFetch(page.href);
    } catch (e) {
      throw new DecantError(
        say(`no answer (${(e as Error).message}); is CORS allowed for this origin?`),
        { cause: e },
      );
    }
    const body = await res.text();
    if (!res.ok)
      throw new DecantError(
        `trigger "${triggerName}": ${errorFromResponse(page, { status: res.status, body }, signature, now).message}`,
      );
    return body;
  };
  try {
    const pages = listingPages(url, fetchPage, { maxPages: MAX_PAGES, firstPageOnly: !!signature });
    for await (const { page } of pages)
      for (const o of page.objects) {
        if (o.key.endsWith('/')) continue;
        const path = o.key.startsWith(prefix)
          ? o.key.slice(prefix.length).replace(/^\//, '')
          : o.key;
        files.push({ path, size: o.size, lastModified: o.lastModified });
      }
  } catch (e) {
    if (e instanceof ListError) throw new DecantError(say(`not an S3 listing: ${e.message}`));
    if (e instanceof ListingTooLong)
      throw new DecantError(
        say(`the listing goes on past ${MAX_PAGES} pages: watch a narrower prefix`),
      );
    throw e;
  }
  return files;
}
