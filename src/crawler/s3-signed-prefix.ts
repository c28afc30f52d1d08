/**
 * An S3 prefix read with credentials the user pasted: ListObjectsV2 signed in the tab (aws4fetch,
 * paged by core's one paginator) and each object read through a GET URL presigned in the tab with
 * a short expiry, so the engine's range-read machinery reads it. Keys stay in this object: never in
 * a message, a log, or anything stored (a saved crawler keeps only the s3:// prefix and region).
 */
import { AwsClient } from 'aws4fetch';
import { DecantError } from '../core/errors';
import { listingPages, parseS3Error, type ListedObject } from '../core/remote';

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

/** A URL is signed again when it has less than this left, so a read never starts on a dying one. */
export const RENEW_MARGIN_MS = 2 * 60_000;

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
  async list(
    opts: { maxPages?: number; maxKeys?: number; signal?: AbortSignal } = {},
  ): Promise<ListedObject[]> {
    // Path-style: the bucket itself (`…/lake`); virtual-hosted: the host's root.
    const first = new URL(this.source.endpoint ? this.base() : `${this.base()}/`);
    first.searchParams.set('list-type', '2');
    if (this.source.prefix) first.searchParams.set('prefix', this.source.prefix);
    if (opts.maxKeys) first.searchParams.set('max-keys', String(opts.maxKeys));
    const out: ListedObject[] = [];
    const pages = listingPages(first, (url) => this.fetchPage(url, opts.signal), {
      maxPages: opts.maxPages ?? 1000,
    });
    for await (const step of pages)
      for (const o of step.page.objects) if (!o.key.endsWith('/')) out.push(o);
    return out;
  }

  private async fetchPage(url: URL, signal?: AbortSignal): Promise<string> {
    let res: Response;
    try {
      const signed = await this.client.sign(url.toString(), { method: 'GET' });
      res = await this.fetchFn(signal ? new Request(signed, { signal }) : signed);
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw say(
        `could not reach s3://${this.source.bucket}/${this.source.prefix}: the bucket's CORS ` +
          `configuration must allow GET from this page's origin (AllowedMethods GET, HEAD; ` +
          `AllowedHeaders *; ExposeHeaders Content-Range, Content-Length, ETag)`,
      );
    }
    const text = await res.text();
    if (res.ok) return text;
    throw this.answerError(res.status, text);
  }

  private answerError(status: number, text: string): DecantError {
    const err = parseS3Error(text);
    const where = `s3://${this.source.bucket}/${this.source.prefix}`;
    switch (err?.code) {
      case 'AccessDenied':
        return say(
          `listing ${where} was refused (AccessDenied): these credentials need s3:ListBucket on ` +
            `arn:aws:s3:::${this.source.bucket} and s3:GetObject on its objects`,
        );
      case 'ExpiredToken':
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
        return say(
          `listing ${where} failed: HTTP ${status}` + (err ? ` ${err.code}: ${err.message}` : ''),
        );
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
