import type { CrawlerSource } from '../catalog';
import {
  corsError,
  errorFromResponse,
  expiredError,
  hasExpired,
  hiddenHeadersError,
  keyUnder,
  ListError,
  listingBase,
  noRangeError,
  objectUrlUnder,
  listingPages,
  ListingTooLong,
  parseUrlList,
  pathOfObject,
  redactUrl,
  RemoteError,
  targetOf,
  unreachableError,
  type ListedObject,
  type RemoteReason,
  type RemoteTarget,
} from '../core/remote';
import type { RemoteInput } from './crawl-input';

/** A pasted line that gives no file, and why. */
export interface RemoteProblem {
  /** 1-based line of the pasted text. */
  line: number;
  /** The URL as shown: scheme, host and path, never the query string. */
  text: string;
  message: string;
  reason?: RemoteReason;
  /** For CORS problems: the bucket rule that fixes them (S3 console JSON). */
  corsRule?: string;
  /** For 'needs-get-url': every listed key no pasted GET URL reads. */
  keys?: string[];
}

export interface RemoteFound {
  inputs: RemoteInput[];
  problems: RemoteProblem[];
  /** How a saved crawler reads these again: listings with their GET URLs, and loose URLs. */
  sources: CrawlerSource[];
  /** Objects the listings named, folder markers left out. */
  listed: number;
}

export interface FindOptions {
  /** Default: the page's fetch. */
  fetch?: typeof fetch;
  /** The page's origin, for the CORS rule; default `location.origin`. */
  origin?: string | null;
  now?: () => number;
  /** Probes in flight at once; default 6. */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Names the crawler reads; a listed key without a GET URL matters only when it is one. */
const DATA_FILE = /\.(csv|tsv|txt|tab|psv|dat|json|ndjson|jsonl|parquet)(\.gz|\.gzip)?$/i;
const MAX_PAGES = 1000;

/**
 * Lists and probes a pasted list of URLs, one per line: ListObjectsV2 URLs are listed (following
 * continuation tokens while S3 allows: a presigned listing's next page needs its own signature,
 * and the problem says which token to sign), their keys matched to the pasted GET URLs (keys of
 * an unsigned listing, a public bucket, get their URL made), and every object probed with a
 * one-byte ranged GET for its size: never a HEAD, which S3 refuses on URLs presigned for GET.
 * An expired URL is refused before any request. Nothing throws: each line that gives no file is
 * a problem with the precise reason.
 */
export async function findRemoteFiles(text: string, opts: FindOptions = {}): Promise<RemoteFound> {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const origin =
    opts.origin !== undefined
      ? opts.origin
      : ((globalThis as { location?: Location }).location?.origin ?? null);
  const now = opts.now ?? Date.now;
  const parsed = parseUrlList(text);
  const problems: RemoteProblem[] = parsed.problems.map((p) => ({ ...p, reason: 'bad-url' }));
  const fail = (line: number, url: URL, e: unknown) => problems.push(problemOf(line, url, e));
  const refused = (line: number, t: RemoteTarget) => {
    if (hasExpired(t.signature, now())) fail(line, t.url, expiredError(t.url, t.signature!, now()));
    else if (t.url.protocol === 'http:' && !isLoopback(t.url))
      fail(
        line,
        t.url,
        new RemoteError(
          t.url,
          'plain http:// is read only from this computer; use https://',
          'mixed-content',
        ),
      );
    else return false;
    return true;
  };
  const ask = (t: RemoteTarget, init?: RequestInit) => askFor(t, doFetch, origin, now, init ?? {});

  // Listings first: their keys say which objects exist and how big they are.
  const listings: Listing[] = [];
  for (const { line, target } of parsed.urls) {
    if (target.kind !== 'list' || refused(line, target)) continue;
    try {
      listings.push(await listAll(line, target, ask));
    } catch (e) {
      fail(line, target.url, e);
    }
  }
  for (const l of listings) if (l.stopped) problems.push(l.stopped);

  // Objects: pasted GET URLs, matched to listed keys where they fall under a listing.
  interface Wanted {
    line: number;
    target: RemoteTarget;
    listing?: Listing;
    listed?: ListedObject;
  }
  const wanted: Wanted[] = [];
  for (const { line, target } of parsed.urls) {
    if (target.kind !== 'object' || refused(line, target)) continue;
    const w: Wanted = { line, target };
    for (const l of listings) {
      const key = keyUnder(target.url, l.base);
      const listed = key === null ? undefined : l.objects.get(key);
      if (listed) {
        Object.assign(w, { listing: l, listed });
        l.matched.set(listed.key, target.url.href);
        break;
      }
    }
    wanted.push(w);
  }
  for (const l of listings) {
    const missing = [...l.objects.values()].filter(
      (o) => !l.matched.has(o.key) && DATA_FILE.test(o.key),
    );
    if (missing.length === 0) continue;
    if (!l.target.signature) {
      // A public bucket: the object's URL is the listing's base and its key.
      for (const o of missing) {
        const url = objectUrlUnder(l.target.url, o.key);
        wanted.push({ line: l.line, target: targetOf(url), listing: l, listed: o });
        l.matched.set(o.key, url.href);
      }
      continue;
    }
    const shown = missing
      .slice(0, 3)
      .map((o) => o.key)
      .join(', ');
    const e = new RemoteError(
      l.target.url,
      `${missing.length} listed object(s) have no presigned GET URL among the pasted lines ` +
        `(${shown}${missing.length > 3 ? ', …' : ''}): presign them for GET ` +
        `(aws s3 presign s3://${l.target.s3.bucket}/<key>) and paste them too`,
      'needs-get-url',
    );
    problems.push({ ...problemOf(l.line, l.target.url, e), keys: missing.map((o) => o.key) });
  }

  // Probe every object: one byte by range, for its size and to prove the URL reads.
  const found: (RemoteInput | null)[] = new Array(wanted.length).fill(null);
  let done = 0;
  opts.onProgress?.(0, wanted.length);
  await eachLimited(wanted, opts.concurrency ?? 6, async (w, i) => {
    try {
      const probe = await probeObject(w.target, w.listed, ask, origin);
      const path = w.listed?.key ?? pathOfObject(w.target.url);
      if (!path)
        throw new RemoteError(w.target.url, 'the URL names a folder, not a file', 'bad-url');
      found[i] = { kind: 'remote', path, url: w.target.url.href, ...probe };
    } catch (e) {
      fail(w.line, w.target.url, e);
    }
    opts.onProgress?.(++done, wanted.length);
  });

  const inputs: RemoteInput[] = [];
  const seen = new Map<string, number>();
  found.forEach((f, i) => {
    if (!f) return;
    const line = wanted[i]!.line;
    const earlier = seen.get(f.path);
    if (earlier !== undefined) {
      fail(
        line,
        new URL(f.url),
        new RemoteError(new URL(f.url), `the same path "${f.path}" as line ${earlier}`, 'bad-url'),
      );
      return;
    }
    seen.set(f.path, line);
    inputs.push(f);
  });
  problems.sort((a, b) => a.line - b.line);
  return {
    inputs,
    problems,
    sources: sourcesOf(listings, wanted, found),
    listed: listings.reduce((n, l) => n + l.objects.size, 0),
  };
}

function problemOf(line: number, url: URL, e: unknown): RemoteProblem {
  return {
    line,
    text: redactUrl(url),
    message: e instanceof Error ? e.message : String(e),
    ...(e instanceof RemoteError ? { reason: e.reason } : {}),
    ...(e instanceof RemoteError && e.corsRule ? { corsRule: e.corsRule } : {}),
  };
}

interface Listing {
  line: number;
  target: Extract<RemoteTarget, { kind: 'list' }>;
  base: string;
  objects: Map<string, ListedObject>;
  /** Listed key → the GET URL that reads it. */
  matched: Map<string, string>;
  /** Why the listing stopped before its end. */
  stopped?: RemoteProblem;
}

type Ask = (t: RemoteTarget, init?: RequestInit) => Promise<Response>;

/** GET with the precise error for a failure (CORS, unreachable, S3's error document). */
async function askFor(
  t: RemoteTarget,
  doFetch: typeof fetch,
  origin: string | null,
  now: () => number,
  init: RequestInit,
): Promise<Response> {
  let res: Response;
  try {
    res = await doFetch(t.url.href, init);
  } catch (e) {
    throw await whyNoAnswer(t.url, doFetch, origin, e);
  }
  if (res.ok || res.status === 416) return res;
  const body = await res.text().catch(() => '');
  const range = new Headers(init.headers).get('Range') ?? undefined;
  throw errorFromResponse(t.url, { status: res.status, body, range }, t.signature, now());
}

/**
 * A fetch that failed gives no reason; a `no-cors` request to the same URL tells the two causes
 * apart: it succeeds (opaquely) when the server answers but CORS hid the answer.
 */
async function whyNoAnswer(
  url: URL,
  doFetch: typeof fetch,
  origin: string | null,
  cause: unknown,
): Promise<RemoteError> {
  const ctl = new AbortController();
  try {
    await doFetch(url.href, { mode: 'no-cors', signal: ctl.signal });
    ctl.abort();
    return origin ? corsError(url, origin) : unreachableError(url, cause);
  } catch {
    return unreachableError(url, cause);
  }
}

async function listAll(
  line: number,
  target: Extract<RemoteTarget, { kind: 'list' }>,
  ask: Ask,
): Promise<Listing> {
  const l: Listing = {
    line,
    target,
    base: listingBase(target.url),
    objects: new Map(),
    matched: new Map(),
  };
  // A presigned listing's next page needs its own signature: S3 refuses it, and the problem
  // says which token to sign; the pages read so far are kept.
  const fetchPage = async (url: URL, page: number): Promise<string | null> => {
    try {
      return await (await ask({ ...target, url })).text();
    } catch (e) {
      if (page === 0 || !(e instanceof RemoteError) || e.reason !== 'signature') throw e;
      const token = url.searchParams.get('continuation-token') ?? url.searchParams.get('marker');
      const param = url.searchParams.has('marker') ? 'marker' : 'continuation-token';
      const stop = new RemoteError(
        target.url,
        `the listing has more pages than the first (${l.objects.size} objects so far) and S3 ` +
          'refuses the next one: a presigned URL covers its exact query, so each page needs its ' +
          `own. Presign the listing again with ${param}=${token} and paste that URL too, or ` +
          'list a narrower prefix',
        'next-page',
      );
      l.stopped = problemOf(line, target.url, stop);
      return null;
    }
  };
  try {
    for await (const { page } of listingPages(target.url, fetchPage, { maxPages: MAX_PAGES }))
      for (const o of page.objects) if (!o.key.endsWith('/')) l.objects.set(o.key, o);
  } catch (e) {
    if (e instanceof ListError)
      throw new RemoteError(target.url, `not an S3 listing: ${e.message}`, 'not-listing');
    if (e instanceof ListingTooLong) throw new RemoteError(target.url, e.message, 'http');
    throw e;
  }
  return l;
}

/** Size and time of one object from a one-byte ranged GET (the listing's, when it gave them). */
async function probeObject(
  t: RemoteTarget,
  listed: ListedObject | undefined,
  ask: Ask,
  origin: string | null,
): Promise<{ size: number; lastModified: number }> {
  const res = await ask(t, { headers: { Range: 'bytes=0-0' } });
  const modified = Date.parse(res.headers.get('Last-Modified') ?? '');
  const lastModified = listed?.lastModified || (Number.isNaN(modified) ? 0 : modified);
  if (res.status === 416) {
    // Only an empty object has no byte 0.
    await res.body?.cancel();
    return { size: 0, lastModified };
  }
  if (res.status === 200) {
    // The whole object came: acceptable only when it is one byte long.
    const length = Number(res.headers.get('Content-Length') ?? NaN);
    if (length <= 1) return { size: (await res.arrayBuffer()).byteLength, lastModified };
    await res.body?.cancel();
    throw noRangeError(t.url);
  }
  await res.arrayBuffer();
  const total = /\/(\d+)$/.exec(res.headers.get('Content-Range') ?? '')?.[1];
  if (total !== undefined) return { size: Number(total), lastModified };
  if (listed) return { size: listed.size, lastModified };
  throw hiddenHeadersError(t.url, origin ?? '*');
}

function sourcesOf(
  listings: Listing[],
  wanted: { target: RemoteTarget; listing?: Listing }[],
  found: (RemoteInput | null)[],
): CrawlerSource[] {
  const out: CrawlerSource[] = listings.map((l) => ({
    kind: 's3-list',
    name: `s3://${l.target.s3.bucket}/${l.target.prefix}`,
    listUrl: l.target.url.href,
    // Made-up URLs of a public bucket are made again at the next listing.
    objectUrls: l.target.signature ? Object.fromEntries(l.matched) : {},
  }));
  wanted.forEach((w, i) => {
    const f = found[i];
    if (f && !w.listing) out.push({ kind: 'url', path: f.path, url: f.url });
  });
  return out;
}

function isLoopback(url: URL): boolean {
  return /^(localhost|127(\.\d+){3}|\[::1\])$/.test(url.hostname);
}

async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  f: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await f(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The pasted text that reads a saved crawler's remote sources again. */
export function textOfSources(sources: readonly CrawlerSource[]): string {
  return sources
    .flatMap((s) =>
      s.kind === 'url'
        ? [s.url]
        : s.kind === 's3-list'
          ? [s.listUrl, ...Object.values(s.objectUrls)]
          : [],
    )
    .join('\n');
}
