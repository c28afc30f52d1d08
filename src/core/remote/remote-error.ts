import { DecantError } from '../errors';
import { corsRuleJson } from './cors-rule';
import { parseS3Error } from './list-objects';
import { redactUrl } from './redact';
import type { UrlSignature } from './s3-url';

/** Why a remote object cannot be read; the UI offers a fix per reason. */
export type RemoteReason =
  | 'bad-url'
  | 'expired'
  | 'signature'
  | 'forbidden'
  | 'not-found'
  | 'cors'
  | 'cors-headers'
  | 'unreachable'
  | 'network'
  | 'mixed-content'
  | 'no-range'
  | 'changed'
  | 'http'
  | 'not-listing'
  | 'needs-get-url'
  | 'next-page';

/**
 * A remote read that failed, said precisely: `remote: <scheme://host/path>: <what> …`. The URL in
 * the message never has its query string (presigned URLs are credentials).
 */
export class RemoteError extends DecantError {
  override name = 'RemoteError';
  readonly reason: RemoteReason;
  /** For 'cors' and 'cors-headers': the bucket CORS rule that fixes it (S3 console JSON). */
  readonly corsRule?: string;

  constructor(
    url: string | URL,
    what: string,
    reason: RemoteReason,
    opts: { corsRule?: string; cause?: unknown } = {},
  ) {
    super(`remote: ${redactUrl(url)}: ${what}`, { cause: opts.cause });
    this.reason = reason;
    this.corsRule = opts.corsRule;
  }
}

/** What an HTTP answer looked like, for errorFromResponse. */
export interface HttpAnswer {
  status: number;
  /** The body as text (S3 sends an XML `<Error>`; HEAD answers have none). */
  body: string;
  /** The `Range` asked for, e.g. `bytes=0-0`. */
  range?: string;
}

/** An expired presigned URL, from the URL's own fields (no request needed). */
export function expiredError(url: URL, sig: UrlSignature, now: number): RemoteError {
  const at = sig.expiresAt ?? now;
  const signed =
    sig.signedAt !== undefined
      ? `; it was signed at ${utc(sig.signedAt)} to last ${duration(at - sig.signedAt)}`
      : '';
  return new RemoteError(
    url,
    `the presigned URL expired at ${utc(at)} (${duration(now - at)} ago${signed}); ` +
      'presign it again and paste the new URL',
    'expired',
  );
}

/**
 * The precise error for an HTTP answer that is not a success, from its status and S3's `<Error>`
 * body: expired signature, signature mismatch, access denied, no such key/bucket, bad range, or
 * the status as it came.
 */
export function errorFromResponse(
  url: URL,
  answer: HttpAnswer,
  sig: UrlSignature | null,
  now: number,
): RemoteError {
  const s3 = parseS3Error(answer.body);
  const code = s3?.code ?? '';
  const said = s3 ? ` ${s3.code}${s3.message ? `: ${s3.message}` : ''}` : '';
  const { status } = answer;
  if ((status === 403 && /expired/i.test(s3?.message ?? '')) || code === 'ExpiredToken') {
    const fromBody = Date.parse(s3?.fields.Expires ?? '');
    const expiresAt = Number.isNaN(fromBody) ? (sig?.expiresAt ?? null) : fromBody;
    if (code === 'ExpiredToken')
      return new RemoteError(
        url,
        `the temporary credentials that signed the URL have expired (${status}${said}); ` +
          'presign it again with current credentials',
        'expired',
      );
    if (expiresAt !== null)
      return expiredError(url, { scheme: 'sigv4', ...sig, expiresAt }, Math.max(now, expiresAt));
    return new RemoteError(
      url,
      `the presigned URL has expired (${status}${said}); presign it again`,
      'expired',
    );
  }
  if (status === 403 && code === 'SignatureDoesNotMatch')
    return new RemoteError(
      url,
      `S3 refuses the signature (403 SignatureDoesNotMatch): the URL was changed after it was ` +
        'signed (copy it again whole), or it was signed for another method than GET',
      'signature',
    );
  if (status === 403 || status === 401)
    return new RemoteError(
      url,
      `access denied (${status}${said})` +
        (sig ? ': the credentials that signed the URL may not read this object' : ''),
      'forbidden',
    );
  if (status === 404) {
    if (code === 'NoSuchBucket')
      return new RemoteError(
        url,
        `no such bucket${s3?.fields.BucketName ? ` "${s3.fields.BucketName}"` : ''} (404 NoSuchBucket)`,
        'not-found',
      );
    return new RemoteError(
      url,
      `no such object (404${said}): check the key, or whether the object was deleted`,
      'not-found',
    );
  }
  if (status === 416)
    return new RemoteError(
      url,
      `the server refuses the range${answer.range ? ` ${answer.range}` : ''} (416${said})`,
      'http',
    );
  return new RemoteError(url, `the server answered ${status}${said}`, 'http');
}

/**
 * The browser hid the answer: no CORS rule lets `origin` read this bucket. Carries the rule that
 * fixes it.
 */
export function corsError(url: URL, origin: string): RemoteError {
  return new RemoteError(
    url,
    `the browser blocked the answer: the bucket's CORS configuration does not let this page ` +
      `(${origin}) read it. Add this rule to the bucket (S3 console → the bucket → Permissions → ` +
      'Cross-origin resource sharing (CORS))',
    'cors',
    { corsRule: corsRuleJson(origin) },
  );
}

/** A ranged answer whose `Content-Range` the CORS rule does not expose: the size is unknown. */
export function hiddenHeadersError(url: URL, origin: string): RemoteError {
  return new RemoteError(
    url,
    'the answer hides its Content-Range header from this page (the CORS rule does not expose it), ' +
      'so the object size is unknown. Use this CORS rule (S3 console → the bucket → Permissions → ' +
      'Cross-origin resource sharing (CORS))',
    'cors-headers',
    { corsRule: corsRuleJson(origin) },
  );
}

export function unreachableError(url: URL, cause?: unknown): RemoteError {
  return new RemoteError(
    url,
    `cannot reach ${url.host}: the server did not answer (offline, a wrong address, or a ` +
      'certificate the browser refuses)',
    'unreachable',
    { cause },
  );
}

/**
 * A request that failed with no answer to read, where the browser does not say why (a worker's
 * reads cannot ask, as the page's probe does): missing CORS or an unreachable server.
 */
export function failedRequestError(url: URL, origin: string | null, cause?: unknown): RemoteError {
  return new RemoteError(
    url,
    "the request failed with no answer to read: the bucket's CORS configuration may not let " +
      `this page${origin ? ` (${origin})` : ''} read it, or ${url.host} cannot be reached`,
    'network',
    { cause, ...(origin ? { corsRule: corsRuleJson(origin) } : {}) },
  );
}

export function mixedContentError(url: URL): RemoteError {
  return new RemoteError(
    url,
    'the browser blocks plain http:// from a page served over https:// (mixed content); use an https:// URL',
    'mixed-content',
  );
}

/** The server answered a `Range` request with the whole object (200). */
export function noRangeError(url: URL): RemoteError {
  return new RemoteError(
    url,
    'the server ignores byte ranges (it answered 200 with the whole object to "Range: bytes=0-0"); ' +
      'Decant reads remote files by ranges, so it would download the object again at every read',
    'no-range',
  );
}

/** A read found fewer bytes than the object had when it was listed or probed. */
export function changedError(url: URL, size: number): RemoteError {
  return new RemoteError(
    url,
    `the object is shorter than the ${size} bytes it had when it was listed: it changed since; ` +
      'list it again',
    'changed',
  );
}

/** `2026-11-25 14:03:07 UTC`. */
export function utc(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/** `45 s`, `12 min`, `3 h`, `2 days`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}
