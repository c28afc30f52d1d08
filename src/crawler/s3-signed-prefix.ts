/**
 * An S3 prefix read with credentials the user pasted: ListObjectsV2 signed in the tab (aws4fetch,
 * paged by core's one paginator) and each object read through a GET URL presigned in the tab with
 * a short expiry, so the engine's range-read machinery reads it. Keys stay in this object: never in
 * a message, a log, or anything stored (a saved crawler keeps only the s3:// prefix and region).
 */
import { AwsClient } from 'aws4fetch';
import { DecantError } from '../core/errors';
import { listingPages, parseS3Error, type ListedObject } from '../core/remote';
import type { RemoteInput } from './crawl-input';
import { skipRulesFor } from './skip-rules';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What a saved crawler may keep: no secret in it. */
export interface S3PrefixSource {
  bucket: string;
  /** '' or ending in `/`. */
  prefix: string;
  region: string;
  /** An S3-compatible endpoint (path-style); absent: AWS. */
  endpoint?: string;
}

/** Presigned GET URLs last this long; they are renewed before they run out. */
export const OBJECT_URL_SECONDS = 15 * 60;

const say = (m: string) => new DecantError(m, { domain: 'crawler' });

/** `s3://bucket/prefix/` as bucket and prefix; throws a `crawler:` DecantError for anything else. */
export function parseS3Prefix(text: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(text.trim());
  if (!m) throw say(`"${text.trim()}" is not an S3 prefix such as s3://my-bucket/sales/`);
  const prefix = m[2] ?? '';
  return { bucket: m[1]!, prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix };
}

/**
 * The bucket CORS rule a page at `origin` needs to list and read with signed requests: GET with
 * the Authorization and x-amz-* headers (so every header allowed), the read headers exposed.
 */
export function signedReadCorsRule(origin: string) {
  return {
    AllowedOrigins: [origin],
    AllowedMethods: ['GET', 'HEAD'],
    AllowedHeaders: ['*'],
    ExposeHeaders: ['Content-Range', 'Content-Length', 'ETag', 'Last-Modified'],
    MaxAgeSeconds: 3000,
  };
}

/** The crawler's words when no credentials are in the tab. */
export const S3_LOCKED =
  'locked: enter your AWS credentials or unlock the saved ones to read S3 prefixes';

/** A URL is signed again when it has less than this left, so a read never starts on a dying one. */
export const RENEW_MARGIN_MS = 2 * 60_000;

export interface ListOptions {
  maxPages?: number;
  /** Keys per page (S3 gives at most 1,000). */
  maxKeys?: number;
  signal?: AbortSignal;
  /** The crawler's exclusion globs: the object read first is one the crawl will read. */
  exclusions?: readonly string[];
}

export class SignedS3Prefix {
  private readonly client: AwsClient;
  private readonly signed = new Map<string, { url: URL; expiresAt: number }>();

  constructor(
    credentials: S3Credentials,
    readonly source: S3PrefixSource,
    private readonly fetchFn: (r: Request) => Promise<Response> = (r) => globalThis.fetch(r),
  ) {
    this.client = new AwsClient({
      ...credentials,
      service: 's3',
      region: source.region,
      retries: 0,
    });
  }

  private base(): string {
    const { bucket, endpoint, region } = this.source;
    return endpoint
      ? `${endpoint.replace(/\/$/, '')}/${encodeURIComponent(bucket)}`
      : `https://${bucket}.s3.${region}.amazonaws.com`;
  }

  /** Every object under the prefix (folders' placeholder keys left out), all pages. */
  async list(opts: ListOptions = {}): Promise<ListedObject[]> {
    return (await this.listing(opts)).objects;
  }

  /** The listing, and how many ListObjectsV2 pages it took. */
  async listing(opts: ListOptions = {}): Promise<{ objects: ListedObject[]; pages: number }> {
    // Path-style: the bucket itself (`…/lake`); virtual-hosted: the host's root.
    const first = new URL(this.source.endpoint ? this.base() : `${this.base()}/`);
    first.searchParams.set('list-type', '2');
    if (this.source.prefix) first.searchParams.set('prefix', this.source.prefix);
    if (opts.maxKeys) first.searchParams.set('max-keys', String(opts.maxKeys));
    const out: ListedObject[] = [];
    let count = 0;
    const pages = listingPages(first, (url) => this.fetchPage(url, opts.signal), {
      maxPages: opts.maxPages ?? 1000,
    });
    for await (const step of pages) {
      count++;
      for (const o of step.page.objects) if (!o.key.endsWith('/')) out.push(o);
    }
    return { objects: out, pages: count };
  }

  /**
   * What a crawl reads from the prefix: each object with a GET URL presigned in the tab (short
   * lived; the engine reads it by ranges) and its place in S3, which a table keeps instead of
   * the URL. One object is read first (one byte, signed) so that a refused GetObject or a CORS
   * rule that lets the listing through but not the reads is said in words before the crawl.
   */
  async inputs(opts: ListOptions = {}): Promise<{ inputs: RemoteInput[]; pages: number }> {
    const { objects, pages } = await this.listing(opts);
    const skip = skipRulesFor(opts.exclusions ?? []);
    const first = objects.find((o) => o.size > 0 && !skip(o.key));
    if (first) await this.checkRead(first.key, opts.signal);
    const { bucket, region, endpoint } = this.source;
    const inputs = await Promise.all(
      objects.map(async (o): Promise<RemoteInput> => ({
        kind: 'remote',
        path: o.key,
        size: o.size,
        lastModified: o.lastModified,
        url: (await this.objectUrl(o.key)).href,
        s3: { bucket, key: o.key, region, ...(endpoint ? { endpoint } : {}) },
      })),
    );
    return { inputs, pages };
  }

  /** One byte of `key` by a signed ranged GET; throws the refusal in words. */
  private async checkRead(key: string, signal?: AbortSignal): Promise<void> {
    const path = key.split('/').map(encodeURIComponent).join('/');
    let res: Response;
    try {
      const signed = await this.client.sign(`${this.base()}/${path}`, {
        method: 'GET',
        headers: { Range: 'bytes=0-0' },
      });
      res = await this.fetchFn(signal ? new Request(signed, { signal }) : signed);
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw this.corsError(`reading s3://${this.source.bucket}/${key}`);
    }
    const text = await res.text();
    if (res.ok || res.status === 416) return;
    throw this.answerError(res.status, text, key);
  }

  private corsError(what: string): DecantError {
    const origin = (globalThis as { location?: Location }).location?.origin;
    const rule = origin ? `:\n${JSON.stringify([signedReadCorsRule(origin)], null, 2)}` : '';
    return say(
      `${what} got no answer this page can read: offline, or (most likely) the bucket's CORS ` +
        `configuration must allow GET from this page's origin (AllowedMethods GET, HEAD; ` +
        `AllowedHeaders *; ExposeHeaders Content-Range, Content-Length, ETag)${rule}`,
    );
  }

  private async fetchPage(url: URL, signal?: AbortSignal): Promise<string> {
    let res: Response;
    try {
      const signed = await this.client.sign(url.toString(), { method: 'GET' });
      res = await this.fetchFn(signal ? new Request(signed, { signal }) : signed);
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw this.corsError(`listing s3://${this.source.bucket}/${this.source.prefix}`);
    }
    const text = await res.text();
    if (res.ok) return text;
    throw this.answerError(res.status, text);
  }

  /** S3's refusal in words; `key` when reading an object, else the listing. */
  private answerError(status: number, text: string, key?: string): DecantError {
    const err = parseS3Error(text);
    const { bucket, prefix } = this.source;
    const where =
      key === undefined ? `listing s3://${bucket}/${prefix}` : `reading s3://${bucket}/${key}`;
    switch (err?.code) {
      case 'AccessDenied':
        return key === undefined
          ? say(
              `${where} was refused (AccessDenied): these credentials need s3:ListBucket on ` +
                `arn:aws:s3:::${bucket} and s3:GetObject on its objects`,
            )
          : say(
              `${where} was refused (AccessDenied): these credentials may list the prefix but ` +
                `need s3:GetObject on arn:aws:s3:::${bucket}/${prefix}* to read its files`,
            );
      case 'NoSuchBucket':
        return say(`there is no bucket ${bucket} (NoSuchBucket): check the S3 prefix`);
      case 'ExpiredToken':
      case 'TokenRefreshRequired':
        return say(`the S3 session token has expired: paste fresh temporary credentials`);
      case 'AuthorizationHeaderMalformed':
      case 'PermanentRedirect': {
        const region = err.fields['Region'];
        return say(
          `the bucket ${this.source.bucket} is not in ${this.source.region}` +
            (region ? `; it is in ${region}` : '') +
            `: set its region`,
        );
      }
      case 'InvalidAccessKeyId':
      case 'SignatureDoesNotMatch':
        return say(`S3 did not accept these credentials (${err.code}): check the key and secret`);
      default:
        return say(`${where} failed: HTTP ${status}` + (err ? ` ${err.code}: ${err.message}` : ''));
    }
  }

  /** `key`'s presigned GET URL, the one signed before unless it is within RENEW_MARGIN_MS of expiry. */
  async freshObjectUrl(key: string, now = Date.now()): Promise<URL> {
    const held = this.signed.get(key);
    if (held && held.expiresAt - now > RENEW_MARGIN_MS) return held.url;
    const url = await this.objectUrl(key);
    this.signed.set(key, { url, expiresAt: now + OBJECT_URL_SECONDS * 1000 });
    return url;
  }

  /** A GET URL for `key` presigned in the tab, valid `seconds` (default OBJECT_URL_SECONDS). */
  async objectUrl(key: string, seconds = OBJECT_URL_SECONDS): Promise<URL> {
    const path = key.split('/').map(encodeURIComponent).join('/');
    const url = new URL(`${this.base()}/${path}`);
    url.searchParams.set('X-Amz-Expires', String(seconds));
    const signed = await this.client.sign(url.toString(), {
      method: 'GET',
      aws: { signQuery: true },
    });
    return new URL(signed.url);
  }
}
