import {
  changedError,
  errorFromResponse,
  expiredError,
  failedRequestError,
  hasExpired,
  noRangeError,
  signatureOf,
  type UrlSignature,
} from '../../src/core/remote';
import type { ByteSource } from '../../src/core/byte-source';
import type { UrlFile } from '../../src/engine/protocol';
import { asyncBufferFromBlob, asyncBufferFromSource, type CountingBuffer } from './inspect-parquet';
import { headThroughFirstLine, readHead, type Head } from './read-head';
import { readWhole } from './read-whole';

/**
 * An object behind an HTTP(S) URL, as DuckDB's file registry holds it: read only by range GETs,
 * never a HEAD (S3 refuses HEAD on a URL presigned for GET), never downloaded whole. `name` is
 * the crawl path, for messages; `url` is a credential when presigned and appears in no message.
 */
export class RemoteFile implements ByteSource {
  readonly signature: UrlSignature | null;
  constructor(
    readonly url: string,
    readonly size: number,
    readonly name: string,
    readonly lastModified = 0,
  ) {
    this.signature = signatureOf(new URL(url));
  }

  /** One ranged GET (see readRange). */
  read(start: number, end: number): Promise<Uint8Array> {
    return readRange(this, start, end - 1);
  }
}

export function remoteFileFrom(f: UrlFile): RemoteFile {
  return new RemoteFile(f.url, f.size, f.name, f.lastModified);
}

/** One synchronous GET with a `Range` header; throws when no answer came (network, CORS). */
export type SyncGet = (url: string, range: string) => { status: number; body: Uint8Array };

/** Synchronous XHR, allowed in a worker: how DuckDB's own HTTP reads are made. */
export const xhrGet: SyncGet = (url, range) => {
  const xhr = new XMLHttpRequest();
  xhr.open('GET', url, false);
  xhr.responseType = 'arraybuffer';
  xhr.setRequestHeader('Range', range);
  xhr.send(null);
  return { status: xhr.status, body: new Uint8Array((xhr.response as ArrayBuffer | null) ?? []) };
};

/** The page's origin, for CORS advice; null where there is none (Node). */
function pageOrigin(): string | null {
  return (globalThis as { location?: { origin?: string } }).location?.origin ?? null;
}

/**
 * Reads `[first, last]` of `f` (clamped to its size) synchronously: the expiry is checked first
 * (no request for an expired URL), then one ranged GET. Throws RemoteError.
 */
export function readRangeSync(
  f: RemoteFile,
  first: number,
  last: number,
  get: SyncGet,
): Uint8Array {
  const url = new URL(f.url);
  const end = Math.min(last, f.size - 1);
  if (end < first) return new Uint8Array(0);
  if (hasExpired(f.signature, Date.now())) throw expiredError(url, f.signature!, Date.now());
  const range = `bytes=${first}-${end}`;
  let answer: { status: number; body: Uint8Array };
  try {
    answer = get(f.url, range);
  } catch (e) {
    throw failedRequestError(url, pageOrigin(), e);
  }
  return checked(f, url, first, end, range, answer.status, answer.body);
}

/** The same, asynchronously with fetch (head, whole and footer reads outside DuckDB). */
export async function readRange(f: RemoteFile, first: number, last: number): Promise<Uint8Array> {
  const url = new URL(f.url);
  const end = Math.min(last, f.size - 1);
  if (end < first) return new Uint8Array(0);
  if (hasExpired(f.signature, Date.now())) throw expiredError(url, f.signature!, Date.now());
  const range = `bytes=${first}-${end}`;
  let res: Response;
  try {
    res = await fetch(f.url, { headers: { Range: range } });
  } catch (e) {
    throw failedRequestError(url, pageOrigin(), e);
  }
  // A 200 is the whole object: read it only when the whole object is what was asked for.
  if (res.status === 200 && !(first === 0 && end === f.size - 1)) {
    await res.body?.cancel();
    throw noRangeError(url);
  }
  return checked(f, url, first, end, range, res.status, new Uint8Array(await res.arrayBuffer()));
}

function checked(
  f: RemoteFile,
  url: URL,
  first: number,
  end: number,
  range: string,
  status: number,
  body: Uint8Array,
): Uint8Array {
  const want = end - first + 1;
  if (status === 206 || (status === 200 && first === 0 && body.length === f.size)) {
    if (body.length < want) throw changedError(url, f.size);
    return body.length > want ? body.subarray(0, want) : body;
  }
  if (status === 200) throw noRangeError(url);
  const text = new TextDecoder().decode(body.subarray(0, 64 * 1024));
  throw errorFromResponse(url, { status, body: text, range }, f.signature, Date.now());
}

/** How a crawl or an inspection reads a file's bytes outside DuckDB. */
export interface FileIo {
  head(): Promise<Head>;
  /** All content (inflated for gzip), or null when longer than `limit`. */
  whole(limit: number): Promise<Uint8Array | null>;
  buffer(): CountingBuffer;
}

/** FileIo for a dropped File (sliced lazily) or a remote object (ranged GETs). */
export function fileIo(file: File | RemoteFile, gzip: boolean): FileIo {
  if (file instanceof RemoteFile) return remoteIo(file, gzip);
  return {
    head: () => headThroughFirstLine((limit) => readHead(file, gzip, limit)),
    whole: (limit) => readWhole(file, gzip, limit),
    buffer: () => asyncBufferFromBlob(file),
  };
}

/** FileIo for a remote object: every read a ranged GET, gzip inflated piece by piece. */
export function remoteIo(f: RemoteFile, gzip: boolean): FileIo {
  return {
    head: () =>
      headThroughFirstLine(async (limit) => {
        if (!gzip) {
          const bytes = await readRange(f, 0, limit - 1);
          return { bytes, span: bytes.length, whole: f.size <= limit };
        }
        const r = await inflate(f, 64 * 1024, limit);
        const bytes = r.bytes.length > limit ? r.bytes.subarray(0, limit) : r.bytes;
        return { bytes, span: r.consumed, whole: r.ended && r.bytes.length <= limit };
      }),
    async whole(limit) {
      if (!gzip) return f.size > limit ? null : readRange(f, 0, f.size - 1);
      const r = await inflate(f, 8 * 1024 * 1024, limit + 1);
      return r.bytes.length > limit ? null : r.bytes;
    },
    buffer: () => asyncBufferFromSource(f),
  };
}

/**
 * Inflates a gzip object from its start, fetching `step` bytes at a time, until `enough` bytes
 * came out or the object ended. A broken stream ends the output where it broke (as readHead).
 */
async function inflate(
  f: RemoteFile,
  step: number,
  enough: number,
): Promise<{ bytes: Uint8Array; consumed: number; ended: boolean }> {
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  const out: Uint8Array[] = [];
  let produced = 0;
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done || !value) return;
      out.push(value);
      produced += value.length;
    }
  })();
  let consumed = 0;
  while (produced < enough && consumed < f.size) {
    const piece = await readRange(f, consumed, consumed + step - 1);
    consumed += piece.length;
    await writer.write(piece as Uint8Array<ArrayBuffer>).catch(() => undefined);
    // Let the inflater run before deciding whether more input is needed.
    await new Promise((r) => setTimeout(r, 0));
  }
  const ended = consumed >= f.size;
  if (ended) await writer.close().catch(() => undefined);
  else await writer.abort().catch(() => undefined);
  await pump;
  const bytes = new Uint8Array(produced);
  let at = 0;
  for (const p of out) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, consumed, ended };
}
