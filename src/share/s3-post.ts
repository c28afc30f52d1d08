/**
 * The credential-free upload: a presigned POST policy for a prefix, as boto3's
 * `generate_presigned_post(Bucket, 'prefix/${filename}', …)` returns it (`url` + `fields`),
 * pasted as JSON. Each file of a package is posted as multipart/form-data with the policy's
 * fields and its own key under the prefix (the policy's `starts-with $key` condition allows
 * any key there). The policy's fields are a credential: never logged, never in a message.
 */
import { DecantError } from '../core/errors';
import { parseS3Error, redactUrl } from '../core/remote';
import type { PackageEntry } from './package-files';
import { uploadCorsRule } from './s3-errors';

/** A presigned POST: where to post, the fields to send with every file, and what they allow. */
export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
  /** The key prefix the policy allows (`shares/p1/`), from its key field or condition. */
  prefix: string;
  /** When the policy stops working, from its `expiration`; null when it does not say. */
  expiresAt: Date | null;
  /** The largest file the policy's content-length-range allows; null: no limit stated. */
  maxBytes: number | null;
}

const say = (message: string, cause?: unknown) =>
  new DecantError(message, { domain: 'share', cause });

const FILENAME = '${filename}';

/**
 * Reads the pasted JSON of a presigned POST. Throws a `share:` DecantError saying what is
 * missing: not JSON (a Python dict printed with `print` has single quotes: `json.dumps` it),
 * no url or fields, a key that is not `prefix/${filename}`, an unreadable or expired policy.
 */
export function presignedPostFrom(text: string, now = new Date()): PresignedPost {
  let doc: unknown;
  try {
    doc = JSON.parse(text.trim());
  } catch (e) {
    throw say(
      'the presigned POST is not JSON: paste what json.dumps(s3.generate_presigned_post(…)) prints',
      e,
    );
  }
  const { url, fields } = (doc ?? {}) as { url?: unknown; fields?: unknown };
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url))
    throw say('the presigned POST has no "url" (https://<bucket>.s3.amazonaws.com/)');
  if (!fields || typeof fields !== 'object' || Array.isArray(fields))
    throw say('the presigned POST has no "fields" (key, policy, x-amz-signature…)');
  const plain: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields as Record<string, unknown>)) {
    if (typeof v !== 'string') throw say(`the presigned POST's field "${k}" is not text`);
    plain[k] = v;
  }
  const field = (name: string) =>
    Object.entries(plain).find(([k]) => k.toLowerCase() === name)?.[1];
  const key = field('key');
  if (!key || !key.endsWith(FILENAME))
    throw say(
      `the presigned POST's key must end in ${FILENAME} (made for a prefix: Key="prefix/${FILENAME}")`,
    );
  const policyText = field('policy');
  if (!policyText) throw say('the presigned POST has no "policy" field');
  let policy: { expiration?: unknown; conditions?: unknown };
  try {
    policy = JSON.parse(atob(policyText)) as typeof policy;
  } catch (e) {
    throw say('the presigned POST\'s "policy" is not base64 JSON: copy it whole', e);
  }
  const expiresAt = typeof policy.expiration === 'string' ? new Date(policy.expiration) : null;
  if (expiresAt && !Number.isNaN(expiresAt.getTime()) && expiresAt <= now)
    throw say(
      `the presigned POST expired at ${expiresAt.toISOString().replace('T', ' ').slice(0, 16)} UTC: make a new one`,
    );
  const range = Array.isArray(policy.conditions)
    ? (policy.conditions as unknown[]).find(
        (c): c is [string, number, number] =>
          Array.isArray(c) && String(c[0]).toLowerCase() === 'content-length-range',
      )
    : undefined;
  return {
    url,
    fields: plain,
    prefix: key.slice(0, -FILENAME.length),
    expiresAt: expiresAt && !Number.isNaN(expiresAt.getTime()) ? expiresAt : null,
    maxBytes: range ? Number(range[2]) : null,
  };
}

export interface PostOptions {
  signal?: AbortSignal;
  /** A file was sent whole (POST has no progress of its own): its path and size. */
  onFile?(path: string, bytes: number): void;
  /** Default: the page's fetch and origin (for the CORS rule a refusal names). */
  fetch?: (r: Request) => Promise<Response>;
  origin?: string | null;
}

/**
 * Posts every file of a package under the policy's prefix, one after another (each read whole
 * first, as a POST body must be). Returns the keys written. Throws `share:` DecantErrors in
 * words: a policy condition that failed (a file too large, a key outside the prefix), an
 * expired policy, a bad signature, no CORS rule; code 'cancelled' on cancel.
 */
export async function postPackage(
  entries: AsyncIterable<PackageEntry>,
  post: PresignedPost,
  opts: PostOptions = {},
): Promise<string[]> {
  const send = opts.fetch ?? ((r: Request) => globalThis.fetch(r));
  const origin = opts.origin ?? (typeof location === 'undefined' ? null : location.origin);
  const keys: string[] = [];
  for await (const entry of entries) {
    if (opts.signal?.aborted) throw cancelled();
    const body = await blobOf(entry, opts.signal);
    if (post.maxBytes !== null && body.size > post.maxBytes)
      throw say(
        `${entry.path} is ${body.size} bytes, more than the ${post.maxBytes} the presigned POST allows (content-length-range): make one with a larger limit`,
      );
    const key = `${post.prefix}${entry.path}`;
    const form = new FormData();
    for (const [k, v] of Object.entries(post.fields))
      form.append(k, k.toLowerCase() === 'key' ? key : v);
    // The file comes last: S3 ignores fields after it.
    form.append('file', body, entry.path.split('/').pop()!);
    let res: Response;
    try {
      res = await send(new Request(post.url, { method: 'POST', body: form, signal: opts.signal }));
    } catch (e) {
      if (opts.signal?.aborted) throw cancelled();
      throw unreadable(post.url, origin, e);
    }
    if (!res.ok) throw await postError(res, key);
    await res.body?.cancel();
    keys.push(key);
    opts.onFile?.(entry.path, body.size);
  }
  return keys;
}

async function blobOf(entry: PackageEntry, signal?: AbortSignal): Promise<Blob> {
  if (entry.data instanceof Uint8Array) return new Blob([entry.data as Uint8Array<ArrayBuffer>]);
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for await (const chunk of entry.data) {
    if (signal?.aborted) throw cancelled();
    chunks.push(chunk as Uint8Array<ArrayBuffer>);
  }
  return new Blob(chunks);
}

function cancelled(): DecantError {
  return new DecantError('the upload was cancelled', { domain: 'share', code: 'cancelled' });
}

function unreadable(url: string, origin: string | null, cause: unknown): DecantError {
  const rule = origin
    ? ` If you are online, the bucket most likely has no CORS rule allowing POST from this page; add this one (S3 console → bucket → Permissions → CORS):\n${JSON.stringify([uploadCorsRule(origin)], null, 2)}`
    : '';
  return say(
    `the POST to ${redactUrl(new URL(url))} got no answer the page can read.${rule}`,
    cause,
  );
}

/** S3's refusal of a POST, in words: which policy condition failed, or why the policy is refused. */
async function postError(res: Response, key: string): Promise<DecantError> {
  const body = parseS3Error(await res.text().catch(() => ''));
  const code = body?.code ?? `HTTP ${res.status}`;
  const message = body?.message ?? '';
  if (/policy expired/i.test(message))
    return say('the presigned POST has expired (Policy expired): make a new one');
  const condition = /Policy Condition failed: (.*)$/i.exec(message)?.[1];
  if (condition)
    return say(
      `S3 refused ${key}: the presigned POST's policy does not allow it (condition ${condition} failed)`,
    );
  const extra = /Extra input fields: (.*)$/i.exec(message)?.[1];
  if (extra) return say(`S3 refused the POST: the policy does not cover the field(s) ${extra}`);
  switch (code) {
    case 'EntityTooLarge':
      return say(`S3 refused ${key}: it is larger than the presigned POST allows (EntityTooLarge)`);
    case 'SignatureDoesNotMatch':
      return say(
        'S3 refused the POST: its signature does not match the policy (SignatureDoesNotMatch): paste the fields unchanged',
      );
    case 'InvalidAccessKeyId':
      return say(
        'S3 does not know the access key the presigned POST was made with (InvalidAccessKeyId)',
      );
    case 'ExpiredToken':
      return say(
        'the credentials the presigned POST was made with have expired (ExpiredToken): make a new one',
      );
    case 'AccessDenied':
      return say(
        `S3 denied the POST of ${key} (AccessDenied${message ? `: ${message}` : ''}): whoever made the presigned POST needs s3:PutObject on it`,
      );
  }
  return say(
    `S3 answered ${res.status} ${code} to the POST of ${key}${message ? `: ${message}` : ''}`,
  );
}
