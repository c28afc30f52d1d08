import { decodePath } from './redact';

/** What a presigned URL says about itself, read before any request is made. */
export interface UrlSignature {
  /** AWS Signature Version 4 (`X-Amz-Signature`) or the older query-string V2 (`Signature`). */
  scheme: 'sigv4' | 'sigv2';
  /** When it was signed (ms since epoch); SigV2 URLs do not say. */
  signedAt?: number;
  /** When S3 stops honouring it (ms since epoch); null when the URL's fields do not say. */
  expiresAt: number | null;
}

/** Bucket and key of an S3 URL (virtual-hosted or path-style). */
export interface S3Location {
  bucket: string;
  /** Decoded (`year=2024/x.csv`); '' for the bucket itself (a listing). */
  key: string;
}

/** One pasted URL, recognised: an object to read, or an S3 listing (ListObjectsV2 or V1). */
export type RemoteTarget =
  | { kind: 'object'; url: URL; s3: S3Location | null; signature: UrlSignature | null }
  | {
      kind: 'list';
      url: URL;
      s3: S3Location;
      /** The `prefix` parameter ('' for the whole bucket). */
      prefix: string;
      signature: UrlSignature | null;
    };

/** `bucket.s3.amazonaws.com`, `bucket.s3.eu-west-1.amazonaws.com`, `s3.amazonaws.com` (path-style)… */
const AWS_HOST = /^(?:(.+)\.)?(s3(?:[.-][a-z0-9-]+)*)\.amazonaws\.com(?:\.cn)?$/i;

/**
 * The signature a URL carries in its query, or null for an unsigned URL. Reads `X-Amz-Date`
 * (`20240101T120000Z`) + `X-Amz-Expires` (seconds) for SigV4, `Expires` (epoch seconds) for
 * SigV2 (SigV4 names matched ignoring case, SigV2's exactly).
 */
export function signatureOf(url: URL): UrlSignature | null {
  const q = new Map<string, string>();
  for (const [k, v] of url.searchParams) q.set(k.toLowerCase(), v);
  if (q.has('x-amz-signature') || q.get('x-amz-algorithm') === 'AWS4-HMAC-SHA256') {
    const signedAt = amzDate(q.get('x-amz-date') ?? '');
    const seconds = Number(q.get('x-amz-expires') ?? NaN);
    const expiresAt =
      signedAt !== null && Number.isFinite(seconds) && seconds >= 0
        ? signedAt + seconds * 1000
        : null;
    return { scheme: 'sigv4', ...(signedAt !== null ? { signedAt } : {}), expiresAt };
  }
  if (url.searchParams.has('Signature') && url.searchParams.has('AWSAccessKeyId')) {
    const seconds = Number(url.searchParams.get('Expires') ?? NaN);
    return { scheme: 'sigv2', expiresAt: Number.isFinite(seconds) ? seconds * 1000 : null };
  }
  return null;
}

/** `20240101T120000Z` → ms since epoch; null when it is not that shape. */
export function amzDate(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const t = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  // Date.UTC rolls month 13 over into the next year: only a date that reads back is one.
  return new Date(t).toISOString().replace(/[:-]|\.\d{3}/g, '') === text ? t : null;
}

/** True when the URL's own fields say it has expired at `now` (ms). */
export function hasExpired(sig: UrlSignature | null, now: number): boolean {
  return sig?.expiresAt != null && now >= sig.expiresAt;
}

/**
 * Bucket and key when the URL is S3's: an `*.amazonaws.com` host (virtual-hosted or path-style),
 * or any other host when the URL is S3-signed or asks for a listing (`list-type=2`): S3-compatible
 * servers (MinIO, R2, s3rver…) are addressed path-style, `/bucket/key`. Null otherwise.
 */
export function s3LocationOf(url: URL): S3Location | null {
  const path = decodePath(url.pathname).replace(/^\//, '');
  const aws = AWS_HOST.exec(url.hostname);
  if (aws?.[1]) return { bucket: aws[1], key: path };
  const s3ish = aws || signatureOf(url) !== null || url.searchParams.get('list-type') === '2';
  if (!s3ish) return null;
  const slash = path.indexOf('/');
  const bucket = slash < 0 ? path : path.slice(0, slash);
  if (!bucket) return null;
  return { bucket, key: slash < 0 ? '' : path.slice(slash + 1) };
}

/** What a pasted URL is: a listing when it names a bucket with no key, an object otherwise. */
export function targetOf(url: URL): RemoteTarget {
  const s3 = s3LocationOf(url);
  const signature = signatureOf(url);
  if (s3 && s3.key === '')
    return { kind: 'list', url, s3, prefix: url.searchParams.get('prefix') ?? '', signature };
  return { kind: 'object', url, s3, signature };
}

/**
 * The path a remote object gets in the crawl (folders, partitions, table names): the S3 key, or
 * the URL's decoded path without its leading `/`. '' when the URL names no file.
 */
export function pathOfObject(url: URL): string {
  const s3 = s3LocationOf(url);
  const path = s3 ? s3.key : decodePath(url.pathname).replace(/^\/+/, '');
  return path.endsWith('/') ? '' : path;
}

/** Where a listing's keys live: an object with key K is at `base + K` (compared decoded). */
export function listingBase(url: URL): string {
  const path = decodePath(url.pathname);
  return `${url.origin}${path.endsWith('/') ? path : path + '/'}`;
}

/** The key an object URL has under a listing's base, or null when it is not under it. */
export function keyUnder(url: URL, base: string): string | null {
  const here = `${url.origin}${decodePath(url.pathname)}`;
  return here.startsWith(base) && here.length > base.length ? here.slice(base.length) : null;
}

/** The object URL for `key` under an unsigned listing (a public bucket): base + encoded key. */
export function objectUrlUnder(listUrl: URL, key: string): URL {
  const base = listUrl.pathname.endsWith('/') ? listUrl.pathname : listUrl.pathname + '/';
  const encoded = key
    .split('/')
    .map((p) => encodeURIComponent(p))
    .join('/');
  return new URL(`${listUrl.origin}${base}${encoded}`);
}
